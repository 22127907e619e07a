/*
 * test_http.c — app/http.c on real exchanges and crafted variants.
 *
 * The vectors below are byte-exact TCP payloads taken from captures under
 * ../shared/data/pcaps/threats (extracted with
 * `tshark -q -z follow,tcp,raw,N`):
 *   cw_c2_*       cryptowall4_c2.pcapng, stream 0: CryptoWall 4 C2 POST and
 *                 its chunked answer;
 *   ek_post_*     ek_to_cryptowall4.pcapng, stream 4: C2 POST refused with
 *                 a 403, two Set-Cookie headers, chunk size "00f";
 *   ek_gets_req   ek_to_cryptowall4.pcapng, stream 1: three keep-alive GETs
 *                 sent back to back by the exploit-kit victim;
 *   ek_gzip_resp  the same stream, first answer (gzip inside chunked);
 *   ek_empty_gzip_resp  the same stream, third answer (an empty gzip body).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "app/http-internal.h"
#include "util/json.h"

static const uint8_t cw_c2_req[] =
    "POST /76N1Lm.php\077n=x4tk7t4jo6 HTTP/1.1\015\n"
    "Accept: */*\015\n"
    "Content-Type: application/x-www-form-urlencoded\015\n"
    "Connection: Close\015\n"
    "Content-Length: 131\015\n"
    "User-Agent: Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; WOW64; Trident/7.0; SLCC2"
    "; .NET CLR 2.0.50727; .NET CLR 3.5.30729; .NET CLR 3.0.30729; Media Center PC 6.0)\015\n"
    "Host: homealldaylong.com\015\n"
    "Cache-Control: no-cache\015\n"
    "\015\n"
    "o=6b787638683333616b6431660f05f2393c1a354ad6e57d984568037ecebfe360e70ca9e211cdc0f5cf1b06"
    "5484cf67e605493877069bbcc6b7eae8681985814e8";

static const uint8_t cw_c2_resp[] =
    "HTTP/1.1 200 OK\015\n"
    "Date: Mon, 04 Jan 2016 16:26:30 GMT\015\n"
    "Server: Apache/2.2.31 (Unix) mod_ssl/2.2.31 OpenSSL/1.0.1e-fips mod_bwlimited/1.4 mod_qo"
    "s/11.5\015\n"
    "X-Powered-By: PHP/5.4.45\015\n"
    "Connection: close\015\n"
    "Transfer-Encoding: chunked\015\n"
    "Content-Type: text/html\015\n"
    "\015\n"
    "e\015\n"
    "1663bd0c2ddbcc\015\n"
    "0\015\n"
    "\015\n";

static const uint8_t ek_post_req[] =
    "POST /VOEHSQ.php\077v=x4tk7t4jo6 HTTP/1.1\015\n"
    "Accept: */*\015\n"
    "Content-Type: application/x-www-form-urlencoded\015\n"
    "Connection: Close\015\n"
    "Content-Length: 131\015\n"
    "User-Agent: Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; WOW64; Trident/7.0; SLCC2"
    "; .NET CLR 2.0.50727; .NET CLR 3.5.30729; .NET CLR 3.0.30729; Media Center PC 6.0)\015\n"
    "Host: fga-agency.com\015\n"
    "Cache-Control: no-cache\015\n"
    "\015\n"
    "o=6b787638683333616b6431660f05f2393c1a354ad6e57d984568037ecebfe360e70ca9e211cdc0f5cf1b06"
    "5484cf67e605493877069bbcc6b7eae8681985814e8";

static const uint8_t ek_post_resp[] =
    "HTTP/1.1 403 Forbidden\015\n"
    "Set-Cookie: xxlplanBAK=R3174120206; path=/; expires=Mon, 04-Jan-2016 17:32:48 GMT\015\n"
    "Content-Type: text/html\015\n"
    "Set-Cookie: xxlplan=R3738454077; path=/; expires=Mon, 04-Jan-2016 17:30:50 GMT\015\n"
    "Server: Apache\015\n"
    "Vary: Accept-Encoding\015\n"
    "Transfer-Encoding: chunked\015\n"
    "Date: Mon, 04 Jan 2016 16:26:22 GMT\015\n"
    "Connection: close\015\n"
    "X-Geo: varn25.rbx5\015\n"
    "X-Geo-Port: 1007\015\n"
    "X-Cacheable: Not cacheable: not http 200\015\n"
    "\015\n"
    "00f\015\n"
    "Access denied.\n"
    "\015\n"
    "0\015\n"
    "\015\n";

static const uint8_t ek_gets_req[] =
    "GET /contrary/1653873/quite-someone-visitor-nonsense-tonight-sweet-await-gigantic-dance-"
    "third HTTP/1.1\015\n"
    "Accept: text/html, application/xhtml+xml, */*\015\n"
    "Referer: http://www.sydneygroup.com.au/index.php/services\015\n"
    "Accept-Language: en-US\015\n"
    "User-Agent: Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko\015\n"
    "Accept-Encoding: gzip, deflate\015\n"
    "Host: xktzjm.topcentc.top\015\n"
    "DNT: 1\015\n"
    "Connection: Keep-Alive\015\n"
    "\015\n"
    "GET /occasional/bXJkeHFlYXhmaA HTTP/1.1\015\n"
    "Accept: */*\015\n"
    "Accept-Language: en-US\015\n"
    "Referer: http://xktzjm.topcentc.top/contrary/1653873/quite-someone-visitor-nonsense-toni"
    "ght-sweet-await-gigantic-dance-third\015\n"
    "x-flash-version: 19,0,0,245\015\n"
    "Accept-Encoding: gzip, deflate\015\n"
    "User-Agent: Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko\015\n"
    "Host: xktzjm.topcentc.top\015\n"
    "DNT: 1\015\n"
    "Connection: Keep-Alive\015\n"
    "\015\n"
    "GET /goodness/1854996/earnest-fantastic-thorough-weave-grotesque-forth-awaken-fountain H"
    "TTP/1.1\015\n"
    "Accept: image/png, image/svg+xml, image/*;q=0.8, */*;q=0.5\015\n"
    "Referer: http://xktzjm.topcentc.top/contrary/1653873/quite-someone-visitor-nonsense-toni"
    "ght-sweet-await-gigantic-dance-third\015\n"
    "Accept-Language: en-US\015\n"
    "User-Agent: Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko\015\n"
    "Accept-Encoding: gzip, deflate\015\n"
    "Host: xktzjm.topcentc.top\015\n"
    "DNT: 1\015\n"
    "Connection: Keep-Alive\015\n"
    "\015\n";

static const uint8_t ek_gzip_resp[] =
    "HTTP/1.1 200 OK\015\n"
    "Server: nginx/1.4.6 (Ubuntu)\015\n"
    "Date: Mon, 04 Jan 2016 16:25:57 GMT\015\n"
    "Content-Type: text/html\015\n"
    "Transfer-Encoding: chunked\015\n"
    "Connection: keep-alive\015\n"
    "Content-Encoding: gzip\015\n"
    "\015\n"
    "240\015\n"
    "\037\213\010\000\000\000\000\000\000\003}\223Ms\3230\020\206\357\371\025B\2756\226\235"
    "\330N\335\306\231)M\031`\n"
    "t \014\355Q\226d[\255d\251\222\034\307\375\365\310n](0\350\262\243\375\320\274\373\354j"
    "\375f\373\345bw{}\011\336\357>]\201\353\357o\257>\134\0008G\350\307\362\002\241\355n\373"
    "\024\210\2030\002;\203\033\313\035W\015\026\010]~\206\000\326\316\351S\204\272\256\013"
    "\272e\240L\205v_Q\355\244\210\221P\312\262\200:\n"
    "7\263\365\340\362\246P\264\367\306\022\303\265\333\314\000\330c\003\272\246:\350^\033"
    "\220\2034\134e\331\352\3549@\251\344\217\262\327\005s\222\371h\266XEi<E\2451F\261\203"
    "\367\307\311I\030&\223\277\020\262z\324w\242\347\207C\377XXY\016\017/\2234\013\247\024Z"
    "\025m[Z\237V\017\345a\222E'g\2635\232t\255Uq\307\210\003DQV`\313\362\251\317RS\3255Ba"
    "\032HL\214\222\214r\034\020%\221n\013dkE\356;\274g\210\340\302\242R`[#\333\2156\360\256"
    "\243=3\326\323\313\243\3608:N\026\307!\004\234\346\320Z\362\240  >\337\016w\042\2749\245"
    "\213\025\241E\312\346\230\245t\036E\244\234giq2\217\3438I\226I\034\372\003A\307\251\253s"
    "\230f\013\010j\306\253\332\3450\216V\2369\360g\255\261\301\322S\026\255o\002)B\360 \300"
    "\217\257\270\371x\317\336\277\023\2677\265\304\347\0204X\372\014\251\366\234A\364\252"
    "\370)RTD\011e\340\364\326Q9\236\177\346b!T\367m\234\3619!\314\332\227*,:\334\333\227\042"
    "&\013F\301C\213\005w\275\207\354\345OJ\236\231h\201}\300\231\226\275n\325\365\332\313"
    "\305Z\013N\360\260\221\3500\177\301\077\037\211C\360\227\016\217\332\267\271U\022\363"
    "\006\002-\332\2127V\343\352\327\200\207E\376c\262\225B\025s\343\223\203\032\346\031x\275"
    "U\343iqJ\205\027\366;w`\015\371\077i\377/t\016K,\354Hz\215\236\226m3\363\013\370\374\077"
    "\306\037\264\371\011\237N&\357\234\003\000\000\015\n"
    "0\015\n"
    "\015\n";

static const uint8_t ek_empty_gzip_resp[] =
    "HTTP/1.1 200 OK\015\n"
    "Server: nginx/1.4.6 (Ubuntu)\015\n"
    "Date: Mon, 04 Jan 2016 16:26:01 GMT\015\n"
    "Content-Type: text/html\015\n"
    "Transfer-Encoding: chunked\015\n"
    "Connection: keep-alive\015\n"
    "Content-Encoding: gzip\015\n"
    "\015\n"
    "14\015\n"
    "\037\213\010\000\000\000\000\000\000\003\003\000\000\000\000\000\000\000\000\000\015\n"
    "0\015\n"
    "\015\n";

/*
 * Responses from suricata-verify's http-evader captures
 * (../shared/conformance/suricata-verify/http-evader/http-evader-N/input.pcap,
 * the noxxi.de HTTP evader suite): each hides the EICAR test file behind
 * one evasion that libhtp sees through.  The request is always
 * "GET <path> HTTP/1.1" to evader.example.com.
 */
/* http-evader-008: /chunked/eicar.txt/size-cr */
static const uint8_t evader_008[] =
    "HTTP/1.1 200 ok\015\n"
    "Content-type: application/octet-stream\015\n"
    "Content-disposition: attachment; filename=\042eicar.txt\042\015\n"
    "Transfer-Encoding: chunked\015\n"
    "Connection: close\015\n"
    "\015\n"
    "f\015\015\n"
    "X5O!P%@AP[4\134PZX\015\n"
    "f\015\015\n"
    "54(P^)7CC)7}$EI\015\n"
    "f\015\015\n"
    "CAR-STANDARD-AN\015\n"
    "f\015\015\n"
    "TIVIRUS-TEST-FI\015\n"
    "8\015\015\n"
    "LE!$H+H*\015\n"
    "0\015\n"
    "\015\n";

/* http-evader-069: /chunked/eicar.txt/x-nl-chunked */
static const uint8_t evader_069[] =
    "HTTP/1.1 200 ok\015\n"
    "Content-type: application/octet-stream\015\n"
    "Content-disposition: attachment; filename=\042eicar.txt\042\015\n"
    "Transfer-Encoding: x \015\n"
    " chunked\015\n"
    "Connection: close\015\n"
    "\015\n"
    "5\015\n"
    "X5O!P\015\n"
    "5\015\n"
    "%@AP[\015\n"
    "5\015\n"
    "4\134PZX\015\n"
    "5\015\n"
    "54(P^\015\n"
    "5\015\n"
    ")7CC)\015\n"
    "5\015\n"
    "7}$EI\015\n"
    "5\015\n"
    "CAR-S\015\n"
    "5\015\n"
    "TANDA\015\n"
    "5\015\n"
    "RD-AN\015\n"
    "5\015\n"
    "TIVIR\015\n"
    "5\015\n"
    "US-TE\015\n"
    "5\015\n"
    "ST-FI\015\n"
    "5\015\n"
    "LE!$H\015\n"
    "3\015\n"
    "+H*\015\n"
    "0\015\n"
    "\015\n";

/* http-evader-126: /compressed/eicar.txt/ce%3Agzip,gzip;gzip;gzip */
static const uint8_t evader_126[] =
    "HTTP/1.1 200 ok\015\n"
    "Content-length: 106\015\n"
    "Content-type: application/octet-stream\015\n"
    "Content-disposition: attachment; filename=\042eicar.txt\042\015\n"
    "Content-Encoding:gzip,gzip\015\n"
    "\015\n"
    "\037\213\010\000\000\000\000\000\000\003\223\357\346`\000\003\346n\203\257\341<\001\245"
    "\005<\035f\235\234\035]\006\246\0279:.\233\224\227]3Y\037Z\370\265\244\214\347\022/_\341"
    "\227\342B\236\242\213\245_\270\077\362|\346\341\342\275\306[\310\313w\261\364\363\227"
    "\302\320\220\217\027\276]`b\2609\037\230\341\0024\016\000l\213\236\177X\000\000\000";

/* http-evader-133: /compressed/eicar.txt/ce%3Adeflate;ce%3Agzip;deflate;gzip */
static const uint8_t evader_133[] =
    "HTTP/1.1 200 ok\015\n"
    "Content-length: 93\015\n"
    "Content-type: application/octet-stream\015\n"
    "Content-disposition: attachment; filename=\042eicar.txt\042\015\n"
    "Content-Encoding:deflate\015\n"
    "Content-Encoding:gzip\015\n"
    "\015\n"
    "\037\213\010\000\000\000\000\000\000\003\001F\000\271\377\2130\365W\014Pup\014\2106\211"
    "\011\210\21205\321\010\210\3234wv\3264\257Uq\365tv\014\322\015\016q\364sq\014r\321u\364"
    "\013\361\014\363\014\n"
    "\015\326\015q\015\016\321u\363\364qUT\361\320\366\320\002\000\323~\250!F\000\000\000";

/* http-evader-200: /compressed/eicar.txt/ce%3Agzip;gzip;replace%3A3,1%7C20 */
static const uint8_t evader_200[] =
    "HTTP/1.1 200 ok\015\n"
    "Content-length: 88\015\n"
    "Content-type: application/octet-stream\015\n"
    "Content-disposition: attachment; filename=\042eicar.txt\042\015\n"
    "Content-Encoding:gzip\015\n"
    "\015\n"
    "\037\213\010 \000\000\000\000\000\003\2130\365W\014Pup\014\2106\211\011\210\21205\321"
    "\010\210\3234wv\3264\257Uq\365tv\014\322\015\016q\364sq\014r\321u\364\013\361\014\363"
    "\014\n"
    "\015\326\015q\015\016\321u\363\364qUT\361\320\366\320\002\000<\317QhD\000\000\000";

/* http-evader-337: /broken/eicar.txt/ce%5C015%5C012%5C040%3Adeflate;do_deflate */
static const uint8_t evader_337[] =
    "HTTP/1.1 200 ok\015\n"
    "Content-type: application/octet-stream\015\n"
    "Content-disposition: attachment; filename=\042eicar.txt\042\015\n"
    "Connection: close\015\n"
    "Content-Encoding\015\n"
    " :deflate\015\n"
    "Yet-another-header: foo\015\n"
    "Content-length: 70\015\n"
    "\015\n"
    "\2130\365W\014Pup\014\2106\211\011\210\21205\321\010\210\3234wv\3264\257Uq\365tv\014\322"
    "\015\016q\364sq\014r\321u\364\013\361\014\363\014\n"
    "\015\326\015q\015\016\321u\363\364qUT\361\320\366\320\002\000";

/* http-evader-485: /broken/eicar.txt/foobar-crlf-header;chunked */
static const uint8_t evader_485[] =
    "foobar\015\n"
    "HTTP/1.1 200 ok\015\n"
    "Content-type: application/octet-stream\015\n"
    "Content-disposition: attachment; filename=\042eicar.txt\042\015\n"
    "Connection: close\015\n"
    "Transfer-Encoding: chunked\015\n"
    "Yet-another-header: foo\015\n"
    "\015\n"
    "4\015\n"
    "X5O!\015\n"
    "4\015\n"
    "P%@A\015\n"
    "4\015\n"
    "P[4\134\015\n"
    "4\015\n"
    "PZX5\015\n"
    "4\015\n"
    "4(P^\015\n"
    "4\015\n"
    ")7CC\015\n"
    "4\015\n"
    ")7}$\015\n"
    "4\015\n"
    "EICA\015\n"
    "4\015\n"
    "R-ST\015\n"
    "4\015\n"
    "ANDA\015\n"
    "4\015\n"
    "RD-A\015\n"
    "4\015\n"
    "NTIV\015\n"
    "4\015\n"
    "IRUS\015\n"
    "4\015\n"
    "-TES\015\n"
    "4\015\n"
    "T-FI\015\n"
    "4\015\n"
    "LE!$\015\n"
    "4\015\n"
    "H+H*\015\n"
    "0\015\n"
    "\015\n";

/* http-evader-402: /broken/eicar.txt/chunked;cr-no-crlf;end-crlflf */
static const uint8_t evader_402[] =
    "HTTP/1.1 200 ok\015Content-type: application/octet-stream\015Content-disposition: attach"
    "ment; filename=\042eicar.txt\042\015Connection: close\015Transfer-Encoding: chunked\015Y"
    "et-another-header: foo\015\n"
    "\n"
    "4\015\n"
    "X5O!\015\n"
    "4\015\n"
    "P%@A\015\n"
    "4\015\n"
    "P[4\134\015\n"
    "4\015\n"
    "PZX5\015\n"
    "4\015\n"
    "4(P^\015\n"
    "4\015\n"
    ")7CC\015\n"
    "4\015\n"
    ")7}$\015\n"
    "4\015\n"
    "EICA\015\n"
    "4\015\n"
    "R-ST\015\n"
    "4\015\n"
    "ANDA\015\n"
    "4\015\n"
    "RD-A\015\n"
    "4\015\n"
    "NTIV\015\n"
    "4\015\n"
    "IRUS\015\n"
    "4\015\n"
    "-TES\015\n"
    "4\015\n"
    "T-FI\015\n"
    "4\015\n"
    "LE!$\015\n"
    "4\015\n"
    "H+H*\015\n"
    "0\015\n"
    "\015\n";

/* ---- helpers ---------------------------------------------------------------- */

static void feed(struct http_state *s, enum app_dir dir, const void *d, size_t n, uint32_t flags)
{
	assert_int_equal(http_parse(s, dir, d, (uint32_t)n, flags), APP_PARSE_OK);
}

static void feed_str(struct http_state *s, enum app_dir dir, const char *str)
{
	feed(s, dir, str, strlen(str), 0);
}

static void assert_buf(const struct http_tx *tx, enum app_dir dir, enum http_buffer b,
		       const char *want)
{
	const uint8_t *p;
	uint32_t n;
	if (want == NULL) {
		assert_false(http_tx_buffer(tx, dir, b, &p, &n));
		return;
	}
	if (!http_tx_buffer(tx, dir, b, &p, &n))
		fail_msg("buffer %d absent, want '%s'", (int)b, want);
	if (n != strlen(want) || memcmp(p, want, n) != 0)
		fail_msg("buffer %d: got '%.*s' want '%s'", (int)b, (int)n, (const char *)p, want);
}

static bool buf_eq(const struct http_tx *a, const struct http_tx *b, enum app_dir dir,
		   enum http_buffer id)
{
	const uint8_t *pa, *pb;
	uint32_t na, nb;
	bool ha = http_tx_buffer(a, dir, id, &pa, &na);
	bool hb = http_tx_buffer(b, dir, id, &pb, &nb);
	return ha == hb && (!ha || (na == nb && memcmp(pa, pb, na) == 0));
}

static struct http_state *one_request(const char *req)
{
	struct http_state *s = http_state_new();
	assert_non_null(s);
	feed_str(s, APP_TOSERVER, req);
	return s;
}

static const char *uri_of(const char *raw_uri, char *out, size_t cap)
{
	char req[512];
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", raw_uri);
	struct http_state *s = one_request(req);
	struct http_tx *tx = http_tx_get(s, 0);
	const uint8_t *p;
	uint32_t n;
	assert_non_null(tx);
	assert_true(http_tx_buffer(tx, APP_TOSERVER, HTTP_BUF_URI, &p, &n));
	snprintf(out, cap, "%.*s", (int)n, (const char *)p);
	http_state_free(s);
	return out;
}

/* ---- real exchanges --------------------------------------------------------- */

static void test_cryptowall_c2(void **state)
{
	(void)state;
	struct http_state *s = http_state_new();
	feed(s, APP_TOSERVER, cw_c2_req, sizeof(cw_c2_req) - 1, 0);
	feed(s, APP_TOCLIENT, cw_c2_resp, sizeof(cw_c2_resp) - 1, APP_CHUNK_EOF);
	assert_int_equal(http_tx_count(s), 1);
	struct http_tx *tx = http_tx_get(s, 0);
	assert_int_equal(http_tx_progress(tx, APP_TOSERVER), HTTP_PROGRESS_COMPLETE);
	assert_int_equal(http_tx_progress(tx, APP_TOCLIENT), HTTP_PROGRESS_COMPLETE);
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_METHOD, "POST");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_URI, "/76N1Lm.php?n=x4tk7t4jo6");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_URI_RAW, "/76N1Lm.php?n=x4tk7t4jo6");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_HOST, "homealldaylong.com");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_PROTOCOL, "HTTP/1.1");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_REQUEST_LINE,
		   "POST /76N1Lm.php?n=x4tk7t4jo6 HTTP/1.1");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_CONTENT_LEN, "131");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_CONNECTION, "Close");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_ACCEPT, "*/*");
	const uint8_t *p;
	uint32_t n;
	assert_true(http_tx_buffer(tx, APP_TOSERVER, HTTP_BUF_REQUEST_BODY, &p, &n));
	assert_int_equal(n, 131);
	assert_memory_equal(p, "o=6b787638683333616b", 20);
	assert_true(http_tx_buffer(tx, APP_TOSERVER, HTTP_BUF_USER_AGENT, &p, &n));
	assert_memory_equal(p, "Mozilla/4.0 (compatible; MSIE 7.0;", 34);
	assert_int_equal(http_tx_status(tx), 200);
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_STAT_CODE, "200");
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_STAT_MSG, "OK");
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_RESPONSE_LINE, "HTTP/1.1 200 OK");
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, "1663bd0c2ddbcc");
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_CONTENT_TYPE, "text/html");
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_SERVER,
		   "Apache/2.2.31 (Unix) mod_ssl/2.2.31 OpenSSL/1.0.1e-fips mod_bwlimited/1.4 "
		   "mod_qos/11.5");
	assert_int_equal(http_tx_body_len(tx, APP_TOCLIENT), 14);
	assert_int_equal(tx->events, 0);
	struct http_file_info fi;
	assert_true(http_tx_file(tx, &fi));
	assert_int_equal(fi.state, HTTP_FILE_CLOSED);
	assert_int_equal(fi.size, 14);
	assert_int_equal(fi.name_len, strlen("/76N1Lm.php"));
	assert_memory_equal(fi.name, "/76N1Lm.php", fi.name_len);
	http_state_free(s);
}

static void test_cryptowall_c2_eve(void **state)
{
	(void)state;
	struct http_state *s = http_state_new();
	feed(s, APP_TOSERVER, cw_c2_req, sizeof(cw_c2_req) - 1, 0);
	feed(s, APP_TOCLIENT, cw_c2_resp, sizeof(cw_c2_resp) - 1, APP_CHUNK_EOF);
	struct json j;
	json_init(&j);
	json_open_object(&j, NULL);
	http_tx_log_json(&j, http_tx_get(s, 0), HTTP_LOG_EXTENDED);
	json_close_object(&j);
	assert_string_equal(
	    j.buf,
	    "{\"http\":{\"hostname\":\"homealldaylong.com\",\"url\":\"/76N1Lm.php?n=x4tk7t4jo6\","
	    "\"http_user_agent\":\"Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; WOW64; "
	    "Trident/7.0; SLCC2; .NET CLR 2.0.50727; .NET CLR 3.5.30729; .NET CLR 3.0.30729; "
	    "Media Center PC 6.0)\",\"http_content_type\":\"text/html\",\"http_method\":\"POST\","
	    "\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":14}}");
	json_reset(&j);
	json_open_object(&j, NULL);
	http_tx_log_json(&j, http_tx_get(s, 0), HTTP_LOG_RESP_HEADERS);
	json_close_object(&j);
	assert_non_null(strstr(j.buf,
			       "\"response_headers\":[{\"name\":\"Date\",\"value\":\"Mon, 04 Jan "
			       "2016 16:26:30 GMT\"},"));
	json_free(&j);
	http_state_free(s);
}

/* Every split of the request and of the response gives the same transaction. */
static void test_every_split_point(void **state)
{
	(void)state;
	static const enum http_buffer req_bufs[] = {
	    HTTP_BUF_URI,      HTTP_BUF_URI_RAW,    HTTP_BUF_METHOD,	   HTTP_BUF_HOST,
	    HTTP_BUF_HOST_RAW, HTTP_BUF_USER_AGENT, HTTP_BUF_REQUEST_LINE, HTTP_BUF_REQUEST_BODY,
	    HTTP_BUF_HEADER,   HTTP_BUF_HEADER_RAW, HTTP_BUF_HEADER_NAMES, HTTP_BUF_START,
	    HTTP_BUF_PROTOCOL};
	static const enum http_buffer resp_bufs[] = {
	    HTTP_BUF_RESPONSE_LINE, HTTP_BUF_STAT_CODE, HTTP_BUF_STAT_MSG,
	    HTTP_BUF_RESPONSE_BODY, HTTP_BUF_HEADER,	HTTP_BUF_HEADER_RAW,
	    HTTP_BUF_HEADER_NAMES,  HTTP_BUF_COOKIE,	HTTP_BUF_START};
	struct {
		const uint8_t *req, *resp;
		size_t req_len, resp_len;
	} v[] = {
	    {cw_c2_req, cw_c2_resp, sizeof(cw_c2_req) - 1, sizeof(cw_c2_resp) - 1},
	    {ek_post_req, ek_post_resp, sizeof(ek_post_req) - 1, sizeof(ek_post_resp) - 1},
	    {ek_gets_req, ek_gzip_resp, 409, sizeof(ek_gzip_resp) - 1},
	};
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		struct http_state *ref = http_state_new();
		feed(ref, APP_TOSERVER, v[k].req, v[k].req_len, 0);
		feed(ref, APP_TOCLIENT, v[k].resp, v[k].resp_len, 0);
		struct http_tx *rt = http_tx_get(ref, 0);
		assert_int_equal(http_tx_count(ref), 1);
		for (size_t cut = 0; cut <= v[k].req_len; cut++) {
			struct http_state *s = http_state_new();
			feed(s, APP_TOSERVER, v[k].req, cut, 0);
			feed(s, APP_TOSERVER, v[k].req + cut, v[k].req_len - cut, 0);
			size_t rcut = cut % (v[k].resp_len + 1);
			feed(s, APP_TOCLIENT, v[k].resp, rcut, 0);
			feed(s, APP_TOCLIENT, v[k].resp + rcut, v[k].resp_len - rcut, 0);
			if (http_tx_count(s) != 1)
				fail_msg("vector %zu cut %zu: %llu transactions", k, cut,
					 (unsigned long long)http_tx_count(s));
			struct http_tx *tx = http_tx_get(s, 0);
			for (size_t b = 0; b < sizeof(req_bufs) / sizeof(req_bufs[0]); b++)
				if (!buf_eq(rt, tx, APP_TOSERVER, req_bufs[b]))
					fail_msg("vector %zu cut %zu: request buffer %d differs", k,
						 cut, (int)req_bufs[b]);
			for (size_t b = 0; b < sizeof(resp_bufs) / sizeof(resp_bufs[0]); b++)
				if (!buf_eq(rt, tx, APP_TOCLIENT, resp_bufs[b]))
					fail_msg(
					    "vector %zu cut %zu/%zu: response buffer %d differs", k,
					    cut, rcut, (int)resp_bufs[b]);
			assert_int_equal(tx->events, rt->events);
			assert_int_equal(http_tx_progress(tx, APP_TOSERVER),
					 http_tx_progress(rt, APP_TOSERVER));
			assert_int_equal(http_tx_progress(tx, APP_TOCLIENT),
					 http_tx_progress(rt, APP_TOCLIENT));
			http_state_free(s);
		}
		http_state_free(ref);
	}
}

/* One byte per call: the worst split of all. */
static void test_byte_by_byte(void **state)
{
	(void)state;
	struct http_state *s = http_state_new();
	for (size_t i = 0; i < sizeof(ek_gets_req) - 1; i++)
		feed(s, APP_TOSERVER, ek_gets_req + i, 1, 0);
	for (size_t i = 0; i < sizeof(ek_gzip_resp) - 1; i++)
		feed(s, APP_TOCLIENT, ek_gzip_resp + i, 1, 0);
	assert_int_equal(http_tx_count(s), 3);
	struct http_tx *tx = http_tx_get(s, 0);
	assert_int_equal(http_tx_entity_len(tx, APP_TOCLIENT), 924);
	assert_int_equal(http_tx_progress(tx, APP_TOCLIENT), HTTP_PROGRESS_COMPLETE);
	http_state_free(s);
}

static void test_ek_403_set_cookie(void **state)
{
	(void)state;
	struct http_state *s = http_state_new();
	feed(s, APP_TOSERVER, ek_post_req, sizeof(ek_post_req) - 1, 0);
	feed(s, APP_TOCLIENT, ek_post_resp, sizeof(ek_post_resp) - 1, 0);
	struct http_tx *tx = http_tx_get(s, 0);
	assert_int_equal(http_tx_status(tx), 403);
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_STAT_MSG, "Forbidden");
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, "Access denied.\n");
	/* repeated headers are joined with ", " as libhtp does */
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_COOKIE,
		   "xxlplanBAK=R3174120206; path=/; expires=Mon, 04-Jan-2016 17:32:48 GMT, "
		   "xxlplan=R3738454077; path=/; expires=Mon, 04-Jan-2016 17:30:50 GMT");
	assert_true(http_tx_has_event(tx, HTTP_EV_RESPONSE_HEADER_REPETITION));
	const uint8_t *p;
	uint32_t n;
	assert_true(http_tx_buffer(tx, APP_TOCLIENT, HTTP_BUF_HEADER, &p, &n));
	assert_null(memmem(p, n, "Set-Cookie", 10));
	assert_non_null(memmem(p, n, "Content-Type: text/html\r\nServer: Apache\r\n", 41));
	assert_true(http_tx_buffer(tx, APP_TOCLIENT, HTTP_BUF_START, &p, &n));
	assert_non_null(memmem(p, n, "HTTP/1.1 403 Forbidden\r\nSet-Cookie: xxlplanBAK", 46));
	http_state_free(s);
}

static void test_pipelined_gzip_and_file_hashes(void **state)
{
	(void)state;
	struct http_state *s = http_state_new();
	struct http_config cfg = {HTTP_BODY_LIMIT_DEFAULT, HTTP_BODY_LIMIT_DEFAULT,
				  HTTP_DECOMPRESS_LIMIT_DEFAULT, HTTP_FILE_HASHES_ALL,
				  HTTP_DECOMPRESS_LAYERS_DEFAULT};
	http_state_configure(s, &cfg);
	feed(s, APP_TOSERVER, ek_gets_req, sizeof(ek_gets_req) - 1, 0);
	assert_int_equal(http_tx_count(s), 3);
	feed(s, APP_TOCLIENT, ek_gzip_resp, sizeof(ek_gzip_resp) - 1, 0);
	feed_str(s, APP_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nCWS");
	feed(s, APP_TOCLIENT, ek_empty_gzip_resp, sizeof(ek_empty_gzip_resp) - 1, 0);
	struct http_tx *t0 = http_tx_get(s, 0), *t1 = http_tx_get(s, 1), *t2 = http_tx_get(s, 2);
	assert_buf(t0, APP_TOSERVER, HTTP_BUF_URI,
		   "/contrary/1653873/"
		   "quite-someone-visitor-nonsense-tonight-sweet-await-gigantic-dance-third");
	assert_buf(t1, APP_TOSERVER, HTTP_BUF_URI, "/occasional/bXJkeHFlYXhmaA");
	assert_buf(t2, APP_TOSERVER, HTTP_BUF_ACCEPT_ENC, "gzip, deflate");
	assert_buf(t2, APP_TOSERVER, HTTP_BUF_ACCEPT_LANG, "en-US");
	assert_buf(t1, APP_TOSERVER, HTTP_BUF_REFERER,
		   "http://xktzjm.topcentc.top/contrary/1653873/"
		   "quite-someone-visitor-nonsense-tonight-sweet-await-gigantic-dance-third");
	assert_buf(
	    t1, APP_TOSERVER, HTTP_BUF_HEADER_NAMES,
	    "\r\nAccept\r\nAccept-Language\r\nReferer\r\nx-flash-version\r\nAccept-Encoding\r\n"
	    "User-Agent\r\nHost\r\nDNT\r\nConnection\r\n\r\n");
	for (int i = 0; i < 3; i++)
		assert_int_equal(http_tx_progress(http_tx_get(s, (uint64_t)i), APP_TOCLIENT),
				 HTTP_PROGRESS_COMPLETE);
	const uint8_t *p;
	uint32_t n;
	assert_true(http_tx_buffer(t0, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, &p, &n));
	assert_int_equal(n, 924);
	assert_memory_equal(p, "<!DOCTYPE HTML PUBLIC", 21);
	assert_int_equal(http_tx_body_len(t0, APP_TOCLIENT), 576);
	struct http_file_info fi;
	assert_true(http_tx_file(t0, &fi));
	assert_int_equal(fi.state, HTTP_FILE_CLOSED);
	assert_int_equal(fi.size, 924);
	assert_int_equal(fi.hashes, HTTP_FILE_HASHES_ALL);
	static const uint8_t md5[16] = {0x3c, 0xb1, 0xef, 0xe2, 0x72, 0x5e, 0xad, 0x90,
					0x1d, 0xda, 0x07, 0x25, 0xb3, 0xdf, 0x13, 0x0b};
	assert_memory_equal(fi.md5, md5, 16);
	assert_int_equal(fi.sha256[0], 0x21);
	assert_int_equal(fi.sha256[31], 0x61);
	assert_buf(t1, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, "CWS");
	assert_int_equal(http_tx_entity_len(t2, APP_TOCLIENT), 0);
	assert_false(http_tx_file(t2, &fi));
	/* release: the logged transactions go, ids stay */
	http_tx_release_upto(s, 2);
	assert_null(http_tx_get(s, 0));
	assert_null(http_tx_get(s, 1));
	assert_non_null(http_tx_get(s, 2));
	assert_int_equal(http_tx_count(s), 3);
	http_state_free(s);
}

/* ---- protocol features ------------------------------------------------------ */

static void test_http09(void **state)
{
	(void)state;
	struct http_state *s = one_request("GET /index.html\r\n");
	struct http_tx *tx = http_tx_get(s, 0);
	assert_true(http_tx_is_http09(tx));
	/* a header line may still follow: decided by the next line or the close */
	assert_int_equal(http_tx_progress(tx, APP_TOSERVER), HTTP_PROGRESS_LINE);
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_URI, "/index.html");
	feed(s, APP_TOSERVER, "\r\n", 2, APP_CHUNK_EOF);
	assert_true(http_tx_is_http09(tx));
	assert_int_equal(http_tx_progress(tx, APP_TOSERVER), HTTP_PROGRESS_COMPLETE);
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_PROTOCOL, NULL);
	feed_str(s, APP_TOCLIENT, "<html>hello\r\n");
	feed(s, APP_TOCLIENT, "</html>", 7, APP_CHUNK_EOF);
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, "<html>hello\r\n</html>");
	assert_int_equal(http_tx_progress(tx, APP_TOCLIENT), HTTP_PROGRESS_COMPLETE);
	http_state_free(s);
}

/* suricata-verify http-not09: a request line without protocol followed by
 * headers is HTTP/1.x missing its protocol, not HTTP/0.9. */
static void test_not_http09(void **state)
{
	(void)state;
	struct http_state *s =
	    one_request("GET /\nFakeHeader\nHost: localhost\nUser-Agent: myscript\n\n");
	assert_int_equal(http_tx_count(s), 1);
	struct http_tx *tx = http_tx_get(s, 0);
	assert_false(http_tx_is_http09(tx));
	assert_true(http_tx_has_event(tx, HTTP_EV_REQUEST_LINE_MISSING_PROTOCOL));
	assert_true(http_tx_has_event(tx, HTTP_EV_REQUEST_FIELD_MISSING_COLON));
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_USER_AGENT, "myscript");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_HOST, "localhost");
	assert_int_equal(http_tx_progress(tx, APP_TOSERVER), HTTP_PROGRESS_COMPLETE);
	http_state_free(s);

	/* the same with the request line in a call of its own */
	s = one_request("GET /\n");
	feed_str(s, APP_TOSERVER, "FakeHeader\nHost: localhost\nUser-Agent: myscript\n\n");
	tx = http_tx_get(s, 0);
	assert_false(http_tx_is_http09(tx));
	assert_true(http_tx_has_event(tx, HTTP_EV_REQUEST_LINE_MISSING_PROTOCOL));
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_USER_AGENT, "myscript");
	http_state_free(s);
}

static void test_connect_tunnel(void **state)
{
	(void)state;
	struct http_state *s = one_request("CONNECT www.Example.com:443 HTTP/1.1\r\n"
					   "Host: www.example.com:443\r\n\r\n");
	/* the client starts TLS before the proxy answered */
	feed(s, APP_TOSERVER, "\x16\x03\x01\x02\x00\x01", 6, 0);
	feed_str(s, APP_TOCLIENT, "HTTP/1.1 200 Connection established\r\n\r\n");
	feed(s, APP_TOCLIENT, "\x16\x03\x03\x00\x5d\x02", 6, 0);
	feed(s, APP_TOSERVER, "GET / HTTP/1.1\r\n\r\n", 18, 0);
	assert_true(http_state_is_tunnel(s));
	assert_int_equal(http_tx_count(s), 1);
	struct http_tx *tx = http_tx_get(s, 0);
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_HOST, "www.example.com");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_URI_RAW, "www.Example.com:443");
	assert_int_equal(http_tx_port(tx), 443);
	assert_int_equal(tx->events, 0);
	http_state_free(s);
}

/* suricata-verify bug-7851-01: CONNECT with a path instead of an authority. */
static void test_connect_without_authority(void **state)
{
	(void)state;
	struct http_state *s = one_request("CONNECT / HTTP/1.1\r\n\r\n");
	struct http_tx *tx = http_tx_get(s, 0);
	assert_true(http_tx_has_event(tx, HTTP_EV_REQUEST_URI_HOST_INVALID));
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_HOST, NULL);
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_URI_RAW, "/");
	assert_int_equal(http_tx_port(tx), -1);
	http_state_free(s);
}

static void test_connect_refused_replays(void **state)
{
	(void)state;
	struct http_state *s = one_request("CONNECT host:443 HTTP/1.1\r\nHost: host:443\r\n\r\n"
					   "GET /after HTTP/1.1\r\nHost: host\r\n\r\n");
	assert_int_equal(http_tx_count(s), 1);
	feed_str(s, APP_TOCLIENT,
		 "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
	assert_false(http_state_is_tunnel(s));
	assert_int_equal(http_tx_count(s), 2);
	assert_buf(http_tx_get(s, 1), APP_TOSERVER, HTTP_BUF_URI, "/after");
	http_state_free(s);
}

static void test_100_continue(void **state)
{
	(void)state;
	struct http_state *s =
	    one_request("POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
			"Content-Length: 4\r\n\r\n");
	feed_str(s, APP_TOCLIENT, "HTTP/1.1 100 Continue\r\n\r\n");
	feed_str(s, APP_TOSERVER, "data");
	feed_str(s, APP_TOCLIENT, "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
	assert_int_equal(http_tx_count(s), 1);
	struct http_tx *tx = http_tx_get(s, 0);
	assert_int_equal(http_tx_status(tx), 201);
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_REQUEST_BODY, "data");
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, "ok");
	assert_false(http_tx_has_event(tx, HTTP_EV_100_CONTINUE_ALREADY_SEEN));
	http_state_free(s);

	s = one_request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
	feed_str(s, APP_TOCLIENT,
		 "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
		 "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	tx = http_tx_get(s, 0);
	assert_true(http_tx_has_event(tx, HTTP_EV_100_CONTINUE_ALREADY_SEEN));
	assert_int_equal(http_tx_status(tx), 200);
	assert_int_equal(http_tx_count(s), 1);
	http_state_free(s);
}

static void test_chunked_request(void **state)
{
	(void)state;
	struct http_state *s =
	    one_request("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
			"\r\n5\r\nhello\r\n1;ext=1\r\n!\r\n0\r\nX-Trailer: t\r\n\r\n"
			"GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_int_equal(http_tx_count(s), 2);
	struct http_tx *tx = http_tx_get(s, 0);
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_REQUEST_BODY, "hello!");
	assert_true(http_tx_has_event(tx, HTTP_EV_REQUEST_CHUNK_EXTENSION));
	assert_int_equal(http_tx_progress(tx, APP_TOSERVER), HTTP_PROGRESS_COMPLETE);
	const uint8_t *p;
	uint32_t n;
	assert_true(http_tx_header(tx, APP_TOSERVER, "x-trailer", &p, &n));
	assert_buf(http_tx_get(s, 1), APP_TOSERVER, HTTP_BUF_URI, "/next");
	http_state_free(s);

	s = one_request("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
	assert_true(http_tx_has_event(http_tx_get(s, 0), HTTP_EV_INVALID_REQUEST_CHUNK_LEN));
	http_state_free(s);
}

static void test_response_until_close_and_head(void **state)
{
	(void)state;
	struct http_state *s = one_request("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"
					   "GET / HTTP/1.0\r\n\r\n");
	feed_str(s, APP_TOCLIENT,
		 "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"
		 "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nbody ");
	feed(s, APP_TOCLIENT, "until close", 11, APP_CHUNK_EOF);
	struct http_tx *t0 = http_tx_get(s, 0), *t1 = http_tx_get(s, 1);
	assert_buf(t0, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, NULL);
	assert_int_equal(http_tx_progress(t0, APP_TOCLIENT), HTTP_PROGRESS_COMPLETE);
	assert_buf(t1, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, "body until close");
	assert_int_equal(http_tx_progress(t1, APP_TOCLIENT), HTTP_PROGRESS_COMPLETE);
	struct http_file_info fi;
	assert_true(http_tx_file(t1, &fi));
	assert_int_equal(fi.state, HTTP_FILE_CLOSED);
	http_state_free(s);
}

static void test_content_disposition_and_truncation(void **state)
{
	(void)state;
	struct http_state *s = one_request("GET /dl?id=1 HTTP/1.1\r\nHost: h\r\n\r\n");
	feed_str(s, APP_TOCLIENT,
		 "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n"
		 "Content-Disposition: attachment; filename=\"inv.exe\"\r\n\r\nMZ");
	feed(s, APP_TOCLIENT, NULL, 0, APP_CHUNK_GAP);
	struct http_file_info fi;
	assert_true(http_tx_file(http_tx_get(s, 0), &fi));
	assert_int_equal(fi.state, HTTP_FILE_TRUNCATED);
	assert_int_equal(fi.name_len, 7);
	assert_memory_equal(fi.name, "inv.exe", 7);
	assert_int_equal(fi.size, 2);
	/* after the gap the parser picks up the next status line */
	feed_str(s, APP_TOSERVER, "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
	feed_str(s, APP_TOCLIENT, "garbage\r\nHTTP/1.1 204 No Content\r\n\r\n");
	assert_int_equal(http_tx_status(http_tx_get(s, 1)), 204);
	http_state_free(s);
}

/* suricata-verify http-gap-simple-frames: a 14-byte hole in a
 * Content-Length body, reported with its size and as a bare flag. */
static void gap_exchange(bool sized)
{
	struct http_state *s = http_state_new();
	feed_str(s, APP_TOSERVER, "GET /2 HTTP/1.0\r\nUser-Agent: Mozilla\r\n\r\n");
	feed_str(s, APP_TOCLIENT, "HTTP/1.0 200 OK\r\nContent-Length: 70\r\n\r\nAAAAAAAAAAAAAA");
	if (sized)
		assert_int_equal(http_parse_gap(s, APP_TOCLIENT, 14), APP_PARSE_OK);
	feed(s, APP_TOCLIENT, "AAAAAAAAAAAAAA", 14, sized ? 0 : APP_CHUNK_GAP);
	feed_str(s, APP_TOCLIENT, "AAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	feed_str(s, APP_TOSERVER, "GET /3 HTTP/1.0\r\nUser-Agent: Mozilla\r\n\r\n");
	feed_str(s, APP_TOCLIENT, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
	assert_int_equal(http_tx_count(s), 2);
	struct http_file_info fi;
	assert_true(http_tx_file(http_tx_get(s, 0), &fi));
	if (sized) {
		assert_int_equal(fi.state, HTTP_FILE_CLOSED);
		assert_true(fi.gaps);
		assert_int_equal(http_tx_body_len(http_tx_get(s, 0), APP_TOCLIENT), 70);
	} else {
		assert_int_equal(fi.state, HTTP_FILE_TRUNCATED);
	}
	assert_int_equal(http_tx_status(http_tx_get(s, 1)), 200);
	assert_buf(http_tx_get(s, 1), APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, "ok");
	http_state_free(s);
}

static void test_gap_in_body(void **state)
{
	(void)state;
	gap_exchange(true);
	gap_exchange(false);
}

/* Each evasion decodes to the EICAR test file, as Suricata sees it, at
 * every split of the response. */
static void test_http_evader_bodies(void **state)
{
	(void)state;
	struct {
		const char *name;
		const uint8_t *resp;
		size_t len;
	} v[] = {
	    {"008 chunk size ends in CR", evader_008, sizeof(evader_008) - 1},
	    {"069 T-E folded: x chunked", evader_069, sizeof(evader_069) - 1},
	    {"126 gzip,gzip", evader_126, sizeof(evader_126) - 1},
	    {"133 C-E deflate + C-E gzip", evader_133, sizeof(evader_133) - 1},
	    {"200 gzip reserved flag", evader_200, sizeof(evader_200) - 1},
	    {"337 C-E name folded before colon", evader_337, sizeof(evader_337) - 1},
	    {"485 junk line before status", evader_485, sizeof(evader_485) - 1},
	    {"402 lines ended by a lone CR", evader_402, sizeof(evader_402) - 1},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (size_t cut = 0; cut < v[i].len; cut++) {
			struct http_state *s = one_request(
			    "GET /eicar.txt HTTP/1.1\r\nHost: evader.example.com\r\n\r\n");
			feed(s, APP_TOCLIENT, v[i].resp, cut, 0);
			feed(s, APP_TOCLIENT, v[i].resp + cut, v[i].len - cut, APP_CHUNK_EOF);
			struct http_tx *tx = http_tx_get(s, 0);
			const uint8_t *p;
			uint32_t n;
			if (!http_tx_buffer(tx, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, &p, &n) ||
			    memmem(p, n, "EICAR-STANDARD-ANTIVIRUS", 24) == NULL)
				fail_msg("%s (cut %zu): body not decoded", v[i].name, cut);
			struct http_file_info fi;
			assert_true(http_tx_file(tx, &fi));
			assert_int_equal(fi.name_len, 9);
			assert_memory_equal(fi.name, "eicar.txt", 9);
			http_state_free(s);
		}
	}
}

/* Three layers need response-body-decompress-layer-limit 3 (Suricata: 2). */
static void test_layer_limit(void **state)
{
	(void)state;
	struct http_state *s = one_request("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
	feed_str(s, APP_TOCLIENT,
		 "HTTP/1.1 200 OK\r\nContent-Encoding: gzip, x, deflate\r\n"
		 "Content-Length: 1\r\n\r\nx");
	struct http_tx *tx = http_tx_get(s, 0);
	assert_true(http_tx_has_event(tx, HTTP_EV_TOO_MANY_ENCODING_LAYERS));
	assert_true(http_tx_has_event(tx, HTTP_EV_ABNORMAL_CE_HEADER));
	http_state_free(s);
}

/* A line of spaces ends the headers; blank lines before a status line are
 * skipped; "chunked" anywhere in T-E is chunked. */
static void test_lenient_framing(void **state)
{
	(void)state;
	/* http-evader-416 style: a line of spaces, then the body itself */
	struct http_state *s = http_state_new();
	static const char req[] = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n \r\nabc";
	feed(s, APP_TOSERVER, req, sizeof(req) - 1, APP_CHUNK_EOF);
	assert_buf(http_tx_get(s, 0), APP_TOSERVER, HTTP_BUF_REQUEST_BODY, "abc");
	assert_int_equal(http_tx_progress(http_tx_get(s, 0), APP_TOSERVER), HTTP_PROGRESS_COMPLETE);
	/* http-evader-059 style: a line of spaces between headers is a fold */
	feed_str(s, APP_TOSERVER, "GET /2 HTTP/1.1\r\nHost: h\r\n \r\nAccept: x\r\n\t\r\n\r\n");
	assert_buf(http_tx_get(s, 1), APP_TOSERVER, HTTP_BUF_ACCEPT, "x");
	assert_int_equal(http_tx_progress(http_tx_get(s, 1), APP_TOSERVER), HTTP_PROGRESS_COMPLETE);
	static const char resp[] =
	    " \t\r\n\r\n\000HTTP/1.1 200 ok\r\nTransfer-Encoding: xchunked\r\n"
	    "\r\n\r3\r\r\nabc\r\n0\r\n\r\n";
	feed(s, APP_TOCLIENT, resp, sizeof(resp) - 1, 0);
	struct http_tx *tx = http_tx_get(s, 0);
	assert_int_equal(http_tx_status(tx), 200);
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, "abc");
	assert_true(http_tx_has_event(tx, HTTP_EV_RESPONSE_ABNORMAL_TRANSFER_ENCODING));
	assert_int_equal(http_tx_progress(tx, APP_TOCLIENT), HTTP_PROGRESS_COMPLETE);
	http_state_free(s);
}

static void test_header_folding_and_repetition(void **state)
{
	(void)state;
	struct http_state *s = one_request("GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n\ttwo\r\n"
					   "Accept: a\r\nAccept: b\r\nCookie: c=1\r\n\r\n");
	struct http_tx *tx = http_tx_get(s, 0);
	const uint8_t *p;
	uint32_t n;
	assert_true(http_tx_header(tx, APP_TOSERVER, "X-a", &p, &n));
	assert_int_equal(n, 7);
	assert_memory_equal(p, "one two", 7);
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_ACCEPT, "a, b");
	assert_true(http_tx_has_event(tx, HTTP_EV_REQUEST_HEADER_REPETITION));
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_COOKIE, "c=1");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_HEADER,
		   "Host: h\r\nX-A: one two\r\nAccept: a, b\r\n");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_HEADER_RAW,
		   "Host: h\r\nX-A: one\r\n\ttwo\r\nAccept: a\r\nAccept: b\r\nCookie: c=1\r\n\r\n");
	assert_buf(
	    tx, APP_TOSERVER, HTTP_BUF_START,
	    "GET / HTTP/1.1\r\nHost: h\r\nX-A: one two\r\nAccept: a, b\r\nCookie: c=1\r\n\r\n");
	http_state_free(s);
}

/* ---- URI normalisation --------------------------------------------------------- */

static void test_uri_normalisation(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    {"/a/./b/../c", "/a/c"},
	    {"//a///b", "/a/b"},
	    {"/a\\b\\..\\c", "/a/c"},
	    {"/%41%42c", "/ABc"},
	    {"/a%2fb", "/a/b"},
	    {"/a%5c..%5cb", "/b"},
	    {"/x/%2e%2e/b", "/b"},
	    {"/%u0041%U0042", "/AB"},
	    {"/a/%uff0e%uff0e/x", "/x"},
	    {"/%zz", "/%zz"},
	    {"/%", "/%"},
	    {"/%4", "/%4"},
	    {"/a?b=%41/../", "/a?b=A/../"}, /* the query is %-decoded, not normalised */
	    {"/?arg=Zm%209v+Fy%zz", "/?arg=Zm 9v+Fy%zz"},
	    {"/p/../q#frag", "/q#frag"},
	    {"/%c0%ae%c0%ae/x", "/x"},
	    {"/caf%c3%a9", "/caf\xe9"},
	    {"/%e4%b8%ad", "/?"},
	    {"/../../etc/passwd", "/etc/passwd"},
	    {"/a/b/..", "/a/"},
	    {"/a/.", "/a/"},
	    {"http://Example.COM:8080/x/../y?q", "/y?q"},
	    {"*", "*"},
	};
	char out[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uri_of(cases[i][0], out, sizeof(out));
		if (strcmp(out, cases[i][1]) != 0)
			fail_msg("uri '%s': got '%s' want '%s'", cases[i][0], out, cases[i][1]);
	}
}

static void test_absolute_uri_host(void **state)
{
	(void)state;
	struct http_state *s = one_request("GET http://Example.COM:8080/x HTTP/1.1\r\n"
					   "Host: other.example\r\n\r\n");
	struct http_tx *tx = http_tx_get(s, 0);
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_HOST, "example.com");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_HOST_RAW, "Example.COM");
	assert_int_equal(http_tx_port(tx), 8080);
	assert_true(http_tx_has_event(tx, HTTP_EV_HOST_HEADER_AMBIGUOUS));
	http_state_free(s);

	s = one_request("GET /%2541 HTTP/1.1\r\nHost: WWW.Example.org.:81\r\n\r\n");
	tx = http_tx_get(s, 0);
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_URI, "/%41");
	assert_true(http_tx_has_event(tx, HTTP_EV_DOUBLE_ENCODED_URI));
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_HOST, "www.example.org");
	assert_buf(tx, APP_TOSERVER, HTTP_BUF_HOST_RAW, "WWW.Example.org.:81");
	assert_int_equal(http_tx_port(tx), 81);
	http_state_free(s);
}

/* ---- malformed variants --------------------------------------------------------- */

struct ev_case {
	const char *req, *resp;
	enum http_event ev;
};

static void test_malformed_events(void **state)
{
	(void)state;
	static const struct ev_case cases[] = {
	    {" GET / HTTP/1.1\r\nHost: h\r\n\r\n", NULL, HTTP_EV_REQUEST_LINE_LEADING_WHITESPACE},
	    {"GET  / HTTP/1.1\r\nHost: h\r\n\r\n", NULL, HTTP_EV_METHOD_DELIM_NON_COMPLIANT},
	    {"GET /\tHTTP/1.1\r\nHost: h\r\n\r\n", NULL, HTTP_EV_URI_DELIM_NON_COMPLIANT},
	    {"GET / HTTP/1.1\r\n\r\n", NULL, HTTP_EV_MISSING_HOST_HEADER},
	    {"GET / HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\n", NULL,
	     HTTP_EV_REQUEST_FIELD_MISSING_COLON},
	    {"GET / HTTP/1.1\r\nHost : h\r\n\r\n", NULL, HTTP_EV_REQUEST_HEADER_INVALID},
	    {"GET / HTTP/1.1\r\n folded\r\nHost: h\r\n\r\n", NULL,
	     HTTP_EV_INVALID_REQUEST_FIELD_FOLDING},
	    {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", NULL,
	     HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_REQUEST},
	    {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx", NULL,
	     HTTP_EV_DUPLICATE_CONTENT_LENGTH_FIELD_IN_REQUEST},
	    {"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", NULL,
	     HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST},
	    {"GET / HTTP/1.1\r\nHost: h:abc\r\n\r\n", NULL, HTTP_EV_INVALID_AUTHORITY_PORT},
	    {"GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Negotiate abc\r\n\r\n", NULL,
	     HTTP_EV_REQUEST_AUTH_UNRECOGNIZED},
	    {"GET / HTTP/1.1\r\nHost: h<>\r\n\r\n", NULL, HTTP_EV_REQUEST_HEADER_HOST_INVALID},
	    {"GET http://h:x/ HTTP/1.1\r\nHost: h\r\n\r\n", NULL,
	     HTTP_EV_INVALID_SERVER_PORT_IN_REQUEST},
	    {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n",
	     HTTP_EV_RESPONSE_INVALID_STATUS},
	    {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
	     HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_RESPONSE},
	    {"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
	     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
	     HTTP_EV_INVALID_RESPONSE_CHUNK_LEN},
	    {"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
	     "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	     HTTP_EV_RESPONSE_CHUNKED_OLD_PROTO},
	    {"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
	     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;x\r\na\r\n0\r\n\r\n",
	     HTTP_EV_RESPONSE_CHUNK_EXTENSION},
	    {"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
	     "HTTP/1.1 206 Partial\r\nContent-Type: multipart/byteranges; boundary=x\r\n"
	     "Content-Length: 0\r\n\r\n",
	     HTTP_EV_RESPONSE_MULTIPART_BYTERANGES},
	    {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 200 OK\r\nA: 1\r\nA: 2\r\n\r\n",
	     HTTP_EV_RESPONSE_HEADER_REPETITION},
	    {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 200 OK\r\n\tx\r\n\r\n",
	     HTTP_EV_INVALID_RESPONSE_FIELD_FOLDING},
	    {"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
	     "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\007abc",
	     HTTP_EV_GZIP_DECOMPRESSION_FAILED},
	    {NULL, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
	     HTTP_EV_UNABLE_TO_MATCH_RESPONSE_TO_REQUEST},
	    {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", "SSH-2.0-OpenSSH\r\nmore",
	     HTTP_EV_RESPONSE_INVALID_PROTOCOL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_state *s = http_state_new();
		if (cases[i].req)
			feed_str(s, APP_TOSERVER, cases[i].req);
		if (cases[i].resp)
			feed_str(s, APP_TOCLIENT, cases[i].resp);
		struct http_tx *tx = http_tx_get(s, 0);
		assert_non_null(tx);
		if (!http_tx_has_event(tx, cases[i].ev))
			fail_msg("case %zu: event %s not set (events %llx)", i,
				 http_event_name(cases[i].ev), (unsigned long long)tx->events);
		http_state_free(s);
	}
}

static void test_server_port_mismatch(void **state)
{
	(void)state;
	struct http_state *s = http_state_new();
	http_state_set_server_port(s, 80);
	feed_str(s, APP_TOSERVER,
		 "GET / HTTP/1.1\r\nHost: h:8080\r\n\r\nGET / HTTP/1.1\r\nHost: h:80\r\n\r\n");
	assert_true(
	    http_tx_has_event(http_tx_get(s, 0), HTTP_EV_REQUEST_SERVER_PORT_TCP_PORT_MISMATCH));
	assert_false(
	    http_tx_has_event(http_tx_get(s, 1), HTTP_EV_REQUEST_SERVER_PORT_TCP_PORT_MISMATCH));
	http_state_free(s);
}

static void test_clean_request_has_no_events(void **state)
{
	(void)state;
	struct http_state *s = one_request("GET /index.html HTTP/1.1\r\nHost: example.com\r\n"
					   "User-Agent: curl/8.0\r\nAccept: */*\r\n"
					   "Authorization: Basic dXNlcjpwYXNz\r\n\r\n");
	feed_str(s, APP_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
	assert_int_equal(http_tx_get(s, 0)->events, 0);
	http_state_free(s);
}

/* ---- memory bounds ---------------------------------------------------------------- */

static void test_huge_header_is_bounded(void **state)
{
	(void)state;
	struct http_state *s = one_request("GET / HTTP/1.1\r\nHost: h\r\nX-Big: ");
	char chunk[4096];
	memset(chunk, 'A', sizeof(chunk));
	for (int i = 0; i < 256; i++) { /* 1 MiB of one header line */
		feed(s, APP_TOSERVER, chunk, sizeof(chunk), 0);
		assert_true(s->d[APP_TOSERVER].line.cap <= 2 * HTTP_LINE_LIMIT);
	}
	feed_str(s, APP_TOSERVER, "\r\n\r\n");
	struct http_tx *tx = http_tx_get(s, 0);
	assert_true(http_tx_has_event(tx, HTTP_EV_REQUEST_FIELD_TOO_LONG));
	assert_int_equal(http_tx_progress(tx, APP_TOSERVER), HTTP_PROGRESS_COMPLETE);
	const uint8_t *p;
	uint32_t n;
	assert_true(http_tx_header(tx, APP_TOSERVER, "x-big", &p, &n));
	assert_true(n < HTTP_LINE_LIMIT);
	/* many headers */
	feed_str(s, APP_TOSERVER, "GET /2 HTTP/1.1\r\n");
	for (int i = 0; i < 3000; i++)
		feed_str(s, APP_TOSERVER, "X-Many: value\r\n");
	feed_str(s, APP_TOSERVER, "\r\n");
	tx = http_tx_get(s, 1);
	assert_true(http_tx_has_event(tx, HTTP_EV_REQUEST_HEADER_REPETITION));
	assert_true(http_tx_header(tx, APP_TOSERVER, "x-many", &p, &n));
	assert_true(n <= HTTP_LINE_LIMIT);
	http_state_free(s);
}

static void test_endless_chunked_body_is_bounded(void **state)
{
	(void)state;
	struct http_state *s = one_request("POST /u HTTP/1.1\r\nHost: h\r\n"
					   "Transfer-Encoding: chunked\r\n\r\n");
	static char chunk[4096 + 16];
	int k = snprintf(chunk, sizeof(chunk), "1000\r\n");
	memset(chunk + k, 'B', 4096);
	memcpy(chunk + k + 4096, "\r\n", 2);
	for (int i = 0; i < 4096; i++) /* 16 MiB */
		feed(s, APP_TOSERVER, chunk, (size_t)k + 4098, 0);
	struct http_tx *tx = http_tx_get(s, 0);
	assert_int_equal(http_tx_body_len(tx, APP_TOSERVER), 4096ull * 4096);
	assert_int_equal(tx->req.body.len, HTTP_BODY_LIMIT_DEFAULT);
	assert_true(tx->req.body.cap <= 2 * HTTP_BODY_LIMIT_DEFAULT);
	assert_int_equal(http_tx_progress(tx, APP_TOSERVER), HTTP_PROGRESS_BODY);
	http_state_free(s);
}

static void test_compression_bomb(void **state)
{
	(void)state;
	size_t plain_len = 32u << 20; /* 32 MiB of zeros */
	uint8_t *plain = calloc(1, plain_len);
	uLongf zlen = compressBound(plain_len);
	uint8_t *z = malloc(zlen);
	assert_non_null(plain);
	assert_non_null(z);
	assert_int_equal(compress2(z, &zlen, plain, plain_len, 9), Z_OK);
	free(plain);
	struct http_state *s = one_request("GET /bomb HTTP/1.1\r\nHost: h\r\n\r\n");
	char head[128];
	snprintf(head, sizeof(head),
		 "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: %lu\r\n\r\n",
		 (unsigned long)zlen);
	feed_str(s, APP_TOCLIENT, head);
	feed(s, APP_TOCLIENT, z, zlen, 0);
	free(z);
	struct http_tx *tx = http_tx_get(s, 0);
	assert_true(http_tx_has_event(tx, HTTP_EV_COMPRESSION_BOMB));
	assert_int_equal(http_tx_entity_len(tx, APP_TOCLIENT), HTTP_DECOMPRESS_LIMIT_DEFAULT);
	assert_int_equal(tx->resp.body.len, HTTP_BODY_LIMIT_DEFAULT);
	assert_int_equal(http_tx_progress(tx, APP_TOCLIENT), HTTP_PROGRESS_COMPLETE);
	http_state_free(s);
}

/* deflate both as zlib stream and raw, gzip split over chunks */
static void test_deflate_variants(void **state)
{
	(void)state;
	const char *text = "The quick brown fox jumps over the lazy dog. The quick brown fox.";
	for (int raw = 0; raw < 2; raw++) {
		z_stream z;
		memset(&z, 0, sizeof(z));
		assert_int_equal(
		    deflateInit2(&z, 6, Z_DEFLATED, raw ? -15 : 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
		uint8_t out[256];
		z.next_in = (Bytef *)(uintptr_t)text;
		z.avail_in = (uInt)strlen(text);
		z.next_out = out;
		z.avail_out = sizeof(out);
		assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
		size_t n = sizeof(out) - z.avail_out;
		deflateEnd(&z);
		struct http_state *s = one_request("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
		char head[128];
		snprintf(head, sizeof(head),
			 "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nTransfer-Encoding: "
			 "chunked\r\n\r\n%zx\r\n",
			 n / 2);
		feed_str(s, APP_TOCLIENT, head);
		feed(s, APP_TOCLIENT, out, n / 2, 0);
		snprintf(head, sizeof(head), "\r\n%zx\r\n", n - n / 2);
		feed_str(s, APP_TOCLIENT, head);
		feed(s, APP_TOCLIENT, out + n / 2, n - n / 2, 0);
		feed_str(s, APP_TOCLIENT, "\r\n0\r\n\r\n");
		struct http_tx *tx = http_tx_get(s, 0);
		assert_buf(tx, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, text);
		assert_int_equal(tx->events, 0);
		http_state_free(s);
	}
}

/* A layer that cannot decode its input passes all of it on, and so do the
 * layers after it (http-evader 152, 157, 162: more codings announced than
 * applied).  Splits may lose the bytes zlib took before it gave up, as in
 * Suricata, never the decoded text. */
static void test_undecodable_layer_passes_through(void **state)
{
	(void)state;
	static const char eicar[] =
	    "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
	uint8_t gz[128];
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)eicar;
	z.avail_in = (uInt)strlen(eicar);
	z.next_out = gz;
	z.avail_out = sizeof(gz);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	uint32_t gz_len = (uint32_t)(sizeof(gz) - z.avail_out);
	deflateEnd(&z);
	struct {
		const char *codings;
		const uint8_t *body;
		uint32_t len;
	} v[] = {
	    {"Content-Encoding: gzip\r\nContent-Encoding: deflate", (const uint8_t *)eicar,
	     (uint32_t)strlen(eicar)},
	    {"Content-Encoding: gzip, gzip", gz, gz_len},
	    {"Content-Encoding: deflate, gzip", gz, gz_len},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char head[160];
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n%s\r\nContent-Length: %u\r\n\r\n",
			 v[i].codings, v[i].len);
		for (uint32_t cut = 0; cut < v[i].len; cut++) {
			struct http_state *s = one_request("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
			feed_str(s, APP_TOCLIENT, head);
			feed(s, APP_TOCLIENT, v[i].body, cut, 0);
			feed(s, APP_TOCLIENT, v[i].body + cut, v[i].len - cut, 0);
			struct http_tx *tx = http_tx_get(s, 0);
			const uint8_t *p;
			uint32_t n;
			assert_true(
			    http_tx_buffer(tx, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, &p, &n));
			if (cut == 0 && (n != strlen(eicar) || memcmp(p, eicar, n) != 0))
				fail_msg("%s: got '%.*s'", v[i].codings, (int)n, (const char *)p);
			assert_non_null(memmem(p, n, eicar + 28, 36));
			assert_true(http_tx_has_event(tx, HTTP_EV_GZIP_DECOMPRESSION_FAILED));
			http_state_free(s);
		}
	}
}

/* NUL bytes inside a header name or a Transfer-/Content-Encoding value
 * do not hide it from libhtp (http-evader 290, 291, 315, 335). */
static void test_nul_in_framing_headers(void **state)
{
	(void)state;
	static const char deflated[] = "\xcb\x48\xcd\xc9\xc9\x57\x28\xcf\x2f\xca\x49\x01\x00";
	static const char chunked[] = "b\r\nhello world\r\n0\r\n\r\n";
	struct {
		const char *header; /* NUL written as '@' */
		const char *body;
		size_t body_len;
	} v[] = {
	    {"Transfer-Encoding: chu@nked", chunked, sizeof(chunked) - 1},
	    {"Transfer@-Encoding: chunked", chunked, sizeof(chunked) - 1},
	    {"Content-Encoding: def@late\r\nContent-Length: 13", deflated, sizeof(deflated) - 1},
	    {"Content@-Encoding: deflate\r\nContent-Length: 13", deflated, sizeof(deflated) - 1},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char resp[256];
		int n = snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\n%s\r\n\r\n", v[i].header);
		for (int k = 0; k < n; k++)
			if (resp[k] == '@')
				resp[k] = 0;
		memcpy(resp + n, v[i].body, v[i].body_len);
		struct http_state *s = one_request("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
		feed(s, APP_TOCLIENT, resp, (size_t)n + v[i].body_len, APP_CHUNK_EOF);
		assert_buf(http_tx_get(s, 0), APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, "hello world");
		http_state_free(s);
	}
}

/* In a response, a line that starts with whitespace but reads "Name:" is
 * a header of its own; in a request it continues the previous header
 * (http-evader 269). */
static void test_folded_line_that_is_a_header(void **state)
{
	(void)state;
	struct http_state *s = one_request("GET / HTTP/1.1\r\nHost: h\r\n\tX-Foo: bar\r\n\r\n");
	feed_str(s, APP_TOCLIENT,
		 "HTTP/1.1 200 OK\r\nConnection: close\r\n\tTransfer-Encoding: chunked\r\n"
		 "X-Folded: a\r\n b\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
	struct http_tx *tx = http_tx_get(s, 0);
	assert_int_equal(http_tx_progress(tx, APP_TOCLIENT), HTTP_PROGRESS_COMPLETE);
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, "hello");
	assert_buf(tx, APP_TOCLIENT, HTTP_BUF_CONNECTION, "close");
	const uint8_t *p;
	uint32_t n;
	assert_true(http_tx_header(tx, APP_TOCLIENT, "x-folded", &p, &n));
	assert_int_equal(n, 3);
	assert_memory_equal(p, "a b", 3);
	assert_true(http_tx_header(tx, APP_TOSERVER, "host", &p, &n));
	assert_int_equal(n, 12);
	assert_memory_equal(p, "h X-Foo: bar", 12);
	http_state_free(s);
}

/* Content-Encoding lzma (.lzma, 8 MiB dictionary announced) decodes, at
 * every split, as Suricata decodes it by default (http-evader 116). */
static void test_lzma_body(void **state)
{
	(void)state;
	static const char lz[] = "\x5d\x00\x00\x80\x00\xff\xff\xff\xff\xff\xff\xff\xff\x00\x34"
				 "\x19\x49\xee\x8d\xe9\x17\x89\x3a\x33\x60\x05\xf7\xcf\x64\xff"
				 "\xfb\x78\x20\x00";
	const uint32_t n = sizeof(lz) - 1;
	for (uint32_t cut = 0; cut < n; cut++) {
		struct http_state *s = one_request("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
		feed_str(s, APP_TOCLIENT,
			 "HTTP/1.1 200 OK\r\nContent-Encoding: lzma\r\nContent-Length: 34\r\n\r\n");
		feed(s, APP_TOCLIENT, lz, cut, 0);
		feed(s, APP_TOCLIENT, lz + cut, n - cut, 0);
		struct http_tx *tx = http_tx_get(s, 0);
		assert_int_equal(http_tx_progress(tx, APP_TOCLIENT), HTTP_PROGRESS_COMPLETE);
		assert_buf(tx, APP_TOCLIENT, HTTP_BUF_RESPONSE_BODY, "hello world");
		assert_int_equal(tx->events, 0);
		http_state_free(s);
	}
}

static void test_live_tx_limit(void **state)
{
	(void)state;
	struct http_state *s = http_state_new();
	enum app_parse_result r = APP_PARSE_OK;
	for (unsigned i = 0; i < HTTP_MAX_LIVE_TX + 10 && r == APP_PARSE_OK; i++)
		r = http_parse(s, APP_TOSERVER, (const uint8_t *)"GET / HTTP/1.0\r\n\r\n", 18, 0);
	assert_int_equal(r, APP_PARSE_ERROR);
	assert_int_equal(http_tx_count(s), HTTP_MAX_LIVE_TX);
	http_state_free(s);
}

/* ---- events table ------------------------------------------------------------------- */

static void test_event_names_match_rules(void **state)
{
	(void)state;
	assert_int_equal(http_event_by_name("REQUEST_LINE_MISSING_PROTOCOL"),
			 HTTP_EV_REQUEST_LINE_MISSING_PROTOCOL);
	assert_int_equal(http_event_by_name("nope"), -1);
	FILE *f = fopen("../shared/data/rules/suricata-events/http-events.rules", "r");
	if (f == NULL) {
		printf("skip: ../shared/data/rules/suricata-events/http-events.rules absent\n");
		skip();
	}
	char line[1024];
	int seen = 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "app-layer-event:http.");
		if (p == NULL)
			continue;
		p += strlen("app-layer-event:http.");
		char *e = strchr(p, ';');
		if (e == NULL)
			continue;
		*e = '\0';
		if (http_event_by_name(p) < 0)
			fail_msg("event %s has no enum", p);
		seen++;
	}
	fclose(f);
	assert_int_equal(seen, HTTP_EV__COUNT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cryptowall_c2),
	    cmocka_unit_test(test_cryptowall_c2_eve),
	    cmocka_unit_test(test_every_split_point),
	    cmocka_unit_test(test_byte_by_byte),
	    cmocka_unit_test(test_ek_403_set_cookie),
	    cmocka_unit_test(test_pipelined_gzip_and_file_hashes),
	    cmocka_unit_test(test_http09),
	    cmocka_unit_test(test_not_http09),
	    cmocka_unit_test(test_connect_tunnel),
	    cmocka_unit_test(test_connect_without_authority),
	    cmocka_unit_test(test_connect_refused_replays),
	    cmocka_unit_test(test_100_continue),
	    cmocka_unit_test(test_chunked_request),
	    cmocka_unit_test(test_response_until_close_and_head),
	    cmocka_unit_test(test_content_disposition_and_truncation),
	    cmocka_unit_test(test_gap_in_body),
	    cmocka_unit_test(test_http_evader_bodies),
	    cmocka_unit_test(test_layer_limit),
	    cmocka_unit_test(test_lenient_framing),
	    cmocka_unit_test(test_header_folding_and_repetition),
	    cmocka_unit_test(test_uri_normalisation),
	    cmocka_unit_test(test_absolute_uri_host),
	    cmocka_unit_test(test_malformed_events),
	    cmocka_unit_test(test_server_port_mismatch),
	    cmocka_unit_test(test_clean_request_has_no_events),
	    cmocka_unit_test(test_huge_header_is_bounded),
	    cmocka_unit_test(test_endless_chunked_body_is_bounded),
	    cmocka_unit_test(test_compression_bomb),
	    cmocka_unit_test(test_deflate_variants),
	    cmocka_unit_test(test_undecodable_layer_passes_through),
	    cmocka_unit_test(test_nul_in_framing_headers),
	    cmocka_unit_test(test_folded_line_that_is_a_header),
	    cmocka_unit_test(test_lzma_body),
	    cmocka_unit_test(test_live_tx_limit),
	    cmocka_unit_test(test_event_names_match_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
