/*
 * pcap-file — reads capture files (pcap, pcapng); see capture.h.  This file
 * owns the file list and the open file; it never interprets packet bytes
 * beyond handing them on with their link type.
 *
 * Classic pcap files of the link types whose LINKTYPE and DLT numbers agree
 * (Ethernet, BSD loopback, Linux cooked, IPv4, IPv6) are read here directly, in blocks of
 * NATIVE_BLOCK bytes with read(), each frame handed on from the block
 * itself: libpcap reads them through stdio (a read() per 4 KiB) and copies
 * every record once more into its own buffer.  The records are judged as
 * libpcap 1.10 judges them, with its messages: the snapshot length taken
 * from the header (0 or above the link type's maximum: the maximum), a
 * record longer than the maximum is an error that ends the file, one longer
 * than the snapshot is cut to it, a record cut short by the end of the file
 * is an error.  Everything else (pcapng, other link types, FCS bits,
 * unusual versions) goes through libpcap, with a 1 MiB stdio buffer.
 */
#include "capture/capture.h"

#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* libpcap reads a file through stdio; its default 4 KiB buffer makes
 * one read() system call every dozen packets. */
#define CAPTURE_IOBUF (1u << 20)

/* A classic pcap file read here (see the top of the file). */
#define NATIVE_BLOCK (1u << 20)
#define NATIVE_MAX_SNAPLEN 262144u /* libpcap's maximum for these link types */

struct native {
	int fd;
	bool swapped, nano;
	uint32_t snapshot;
	uint8_t *buf; /* NATIVE_BLOCK bytes, kept across files */
	uint32_t pos, end;
	uint64_t consumed; /* file offset of buf[pos] */
	bool eof;
	char err[256];
};

struct capture {
	char **files;
	uint32_t nfiles;
	uint32_t cur; /* index of the open file, or nfiles when done */
	pcap_t *pcap;
	FILE *fp; /* the stream libpcap reads, for position */
	int linktype;
	uint64_t done_before; /* bytes of files already finished */
	uint64_t pcap_cnt;
	uint64_t file_packets; /* packets of the file being read */
	capture_linktype_ok_fn linktype_ok;
	struct capture_stats stats;
	char exercise[65]; /* scenario name from a marker file, or "" */
	char *iobuf;	    /* CAPTURE_IOBUF bytes, the open file's stdio buffer */
	struct native nat;  /* the open file when read natively (nat.fd >= 0) */
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

void capture_exercise_path(const char *capture_path, char *out, size_t outlen)
{
	size_t n = strlen(capture_path);
	if (ends_with(capture_path, ".pcap"))
		n -= 5;
	else if (ends_with(capture_path, ".pcapng"))
		n -= 7;
	snprintf(out, outlen, "%.*s.exercise", (int)n, capture_path);
}

/* Reads "vigil-exercise NAME" from the marker beside path into out
 * (NAME: letters, digits, '.', '_', '-'; at most 64).  A marker that
 * exists but does not say so is reported: the capture is then treated as
 * an exercise named "unnamed", never as real traffic. */
static bool read_exercise(const char *path, char *out, size_t outlen)
{
	char marker[4200], line[256];
	capture_exercise_path(path, marker, sizeof(marker));
	FILE *f = fopen(marker, "r");
	if (!f)
		return false;
	bool ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	const char *name = ok && strncmp(line, "vigil-exercise ", 15) == 0 ? line + 15 : NULL;
	size_t n = name ? strcspn(name, "\r\n") : 0;
	for (size_t i = 0; name && i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			name = NULL;
	if (!name || n == 0 || n >= outlen) {
		fprintf(stderr,
			"vigil: %s:1: not a \"vigil-exercise NAME\" line; %s is treated as exercise"
			" traffic named \"unnamed\"\n",
			marker, path);
		snprintf(out, outlen, "unnamed");
		return true;
	}
	snprintf(out, outlen, "%.*s", (int)n, name);
	return true;
}

const char *capture_exercise(const struct capture *c)
{
	return c != NULL && c->exercise[0] ? c->exercise : NULL; /* live: never exercise */
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool add_file(struct capture *c, const char *path, uint32_t *cap)
{
	if (c->nfiles == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 16;
		char **nf = realloc(c->files, ncap * sizeof(*nf));
		if (!nf)
			return false;
		c->files = nf;
		*cap = ncap;
	}
	c->files[c->nfiles] = strdup(path);
	if (!c->files[c->nfiles])
		return false;
	c->nfiles++;
	struct stat st;
	if (stat(path, &st) == 0)
		c->stats.input_bytes_total += (uint64_t)st.st_size;
	return true;
}

static bool list_directory(struct capture *c, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return false;
	}
	uint32_t cap = 0;
	struct dirent *de;
	char path[4096];
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || ends_with(path, ".exercise"))
			continue;
		if (!add_file(c, path, &cap)) {
			closedir(d);
			snprintf(err, errlen, "out of memory listing %s", dir);
			return false;
		}
	}
	closedir(d);
	if (c->nfiles == 0) {
		snprintf(err, errlen, "%s: directory holds no capture files", dir);
		return false;
	}
	qsort(c->files, c->nfiles, sizeof(*c->files), cmp_str);
	return true;
}

struct capture *capture_open(const char *path, capture_linktype_ok_fn ok, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct capture *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->linktype_ok = ok;
	c->nat.fd = -1;
	bool good;
	if (S_ISDIR(st.st_mode)) {
		good = list_directory(c, path, err, errlen);
	} else {
		uint32_t cap = 0;
		good = add_file(c, path, &cap);
		if (!good)
			snprintf(err, errlen, "out of memory");
	}
	if (!good) {
		capture_close(c);
		return NULL;
	}
	c->stats.files_total = c->nfiles;
	c->cur = UINT32_MAX; /* nothing opened yet */
	for (uint32_t i = 0; i < c->nfiles && !c->exercise[0]; i++)
		if (read_exercise(c->files[i], c->exercise, sizeof(c->exercise)))
			fprintf(stderr,
				"vigil: %s: exercise capture (scenario %s): every event is marked"
				" \"exercise\": \"%s\"\n",
				c->files[i], c->exercise, c->exercise);
	return c;
}

static void close_current(struct capture *c)
{
	if (c->nat.fd >= 0) {
		c->done_before += c->nat.consumed;
		close(c->nat.fd);
		c->nat.fd = -1;
	}
	if (c->pcap) {
		struct stat st;
		if (stat(c->files[c->cur], &st) == 0)
			c->done_before += (uint64_t)st.st_size;
		pcap_close(c->pcap);
		c->pcap = NULL;
		c->fp = NULL;
	}
}

/* The file through a FILE with a large buffer (c->iobuf, kept until
 * the handle is closed), else as libpcap opens it. */
static pcap_t *open_file(struct capture *c, const char *name, char *errbuf)
{
	if (c->iobuf == NULL)
		c->iobuf = malloc(CAPTURE_IOBUF);
	FILE *fp = c->iobuf != NULL ? fopen(name, "rb") : NULL;
	if (fp == NULL || setvbuf(fp, c->iobuf, _IOFBF, CAPTURE_IOBUF) != 0) {
		if (fp != NULL)
			fclose(fp);
		return pcap_open_offline_with_tstamp_precision(name, PCAP_TSTAMP_PRECISION_MICRO,
							       errbuf);
	}
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (p == NULL)
		fclose(fp);
	return p;
}

static uint32_t get32(const uint8_t *p, bool swapped)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

/* Link types read natively: their LINKTYPE_ value is their DLT_ value. */
static bool native_linktype(uint32_t lt)
{
	switch (lt) {
	case 0:	  /* NULL */
	case 1:	  /* EN10MB */
	case 113: /* LINUX_SLL */
	case 228: /* IPV4 */
	case 229: /* IPV6 */
		return true;
	default: return false;
	}
}

/* Makes at least `want` bytes available at buf[pos] if the file has them;
 * returns how many are. */
static uint32_t native_fill(struct native *n, uint32_t want)
{
	if (n->end - n->pos >= want || n->eof)
		return n->end - n->pos;
	memmove(n->buf, n->buf + n->pos, n->end - n->pos);
	n->end -= n->pos;
	n->pos = 0;
	while (n->end < want && !n->eof) {
		ssize_t r = read(n->fd, n->buf + n->end, NATIVE_BLOCK - n->end);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r < 0)
				snprintf(n->err, sizeof(n->err), "%s", strerror(errno));
			n->eof = true;
			break;
		}
		n->end += (uint32_t)r;
	}
	return n->end - n->pos;
}

/*
 * Opens name natively when it is a classic pcap of a native link type:
 * 1 = open (header read, *linktype set), 0 = not for us (use libpcap),
 * -1 = cannot be read (errbuf says why).
 */
static int native_open(struct capture *c, const char *name, int *linktype, char *errbuf)
{
	struct native *n = &c->nat;
	if (n->buf == NULL && (n->buf = malloc(NATIVE_BLOCK)) == NULL)
		return 0;
	int fd = open(name, O_RDONLY);
	if (fd < 0)
		return 0; /* libpcap says why, in its words */
	uint8_t h[24];
	ssize_t r = read(fd, h, sizeof(h));
	uint32_t magic = r == (ssize_t)sizeof(h) ? get32(h, false) : 0;
	bool swapped = magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u;
	bool nano = magic == 0xa1b23c4du || magic == 0x4d3cb2a1u;
	bool ok = magic == 0xa1b2c3d4u || magic == 0xa1b23c4du || swapped;
	uint16_t major = ok ? (uint16_t)(swapped ? (h[4] << 8 | h[5]) : (h[5] << 8 | h[4])) : 0;
	uint16_t minor = ok ? (uint16_t)(swapped ? (h[6] << 8 | h[7]) : (h[7] << 8 | h[6])) : 0;
	uint32_t lt = ok ? get32(h + 20, swapped) : 0;
	if (!ok || major != 2 || minor != 4 || !native_linktype(lt)) {
		close(fd);
		return 0;
	}
	(void)errbuf;
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	n->fd = fd;
	n->swapped = swapped;
	n->nano = nano;
	n->snapshot = get32(h + 16, swapped);
	if (n->snapshot == 0 || n->snapshot > NATIVE_MAX_SNAPLEN)
		n->snapshot = NATIVE_MAX_SNAPLEN;
	n->pos = n->end = 0;
	n->consumed = sizeof(h);
	n->eof = false;
	n->err[0] = '\0';
	*linktype = (int)lt;
	return 1;
}

/* The next record: 1 = frame, 0 = end of file, -1 = error (n->err). */
static int native_next(struct native *n, struct capture_frame *f)
{
	uint32_t have = native_fill(n, 16);
	if (have == 0 && n->err[0] == '\0')
		return 0;
	if (have < 16) {
		if (n->err[0] == '\0')
			snprintf(n->err, sizeof(n->err),
				 "truncated dump file; tried to read 16 header bytes, only got %u", have);
		return -1;
	}
	const uint8_t *h = n->buf + n->pos;
	uint32_t sec = get32(h, n->swapped), frac = get32(h + 4, n->swapped);
	uint32_t caplen = get32(h + 8, n->swapped), len = get32(h + 12, n->swapped);
	if (caplen > NATIVE_MAX_SNAPLEN) {
		if (caplen > n->snapshot)
			snprintf(n->err, sizeof(n->err),
				 "invalid packet capture length %u, bigger than snaplen of %u", caplen,
				 n->snapshot);
		else
			snprintf(n->err, sizeof(n->err),
				 "invalid packet capture length %u, bigger than maximum of %u", caplen,
				 NATIVE_MAX_SNAPLEN);
		return -1;
	}
	have = native_fill(n, 16 + caplen);
	if (have < 16 + caplen) {
		snprintf(n->err, sizeof(n->err),
			 "truncated dump file; tried to read %u captured bytes, only got %u", caplen,
			 have > 16 ? have - 16 : 0);
		return -1;
	}
	h = n->buf + n->pos;
	f->data = h + 16;
	f->caplen = caplen > n->snapshot ? n->snapshot : caplen; /* libpcap cuts it too */
	f->wirelen = len;
	/* As libpcap 1.10 gives them: the 32-bit fields are signed in a file of
	 * this machine's byte order and unsigned in a swapped one (its byte
	 * swap yields an unsigned value); a broken fraction is passed on. */
	if (n->swapped) {
		f->ts_sec = sec;
		f->ts_usec = n->nano ? frac / 1000u : frac;
	} else {
		f->ts_sec = (int32_t)sec;
		f->ts_usec = n->nano ? (uint32_t)((int32_t)frac / 1000) : frac;
	}
	n->pos += 16 + caplen;
	n->consumed += 16 + caplen;
	return 1;
}

/* Opens the next readable file; returns false when none is left. */
static bool open_next(struct capture *c)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	close_current(c);
	for (c->cur = c->cur == UINT32_MAX ? 0 : c->cur + 1; c->cur < c->nfiles; c->cur++) {
		const char *name = c->files[c->cur];
		errbuf[0] = '\0';
		int lt = 0;
		if (native_open(c, name, &lt, errbuf) == 1) {
			c->linktype = lt;
			if (c->linktype_ok && !c->linktype_ok(c->linktype)) {
				const char *ln = pcap_datalink_val_to_name(c->linktype);
				fprintf(stderr, "vigil: %s: unsupported link type %d (%s), file skipped\n",
					name, c->linktype, ln ? ln : "unknown");
				c->stats.files_failed++;
				c->stats.unsupported_linktype_files++;
				close(c->nat.fd);
				c->nat.fd = -1;
				continue;
			}
			c->fp = NULL;
			c->stats.files_read++;
			c->file_packets = 0;
			return true;
		}
		c->pcap = open_file(c, name, errbuf);
		if (!c->pcap) {
			fprintf(stderr, "vigil: %s: cannot read capture: %s\n", name, errbuf);
			c->stats.files_failed++;
			continue;
		}
		c->linktype = pcap_datalink(c->pcap);
		if (c->linktype_ok && !c->linktype_ok(c->linktype)) {
			const char *ln = pcap_datalink_val_to_name(c->linktype);
			fprintf(stderr, "vigil: %s: unsupported link type %d (%s), file skipped\n",
				name, c->linktype, ln ? ln : "unknown");
			c->stats.files_failed++;
			c->stats.unsupported_linktype_files++;
			pcap_close(c->pcap);
			c->pcap = NULL;
			continue;
		}
		c->fp = pcap_file(c->pcap);
		c->stats.files_read++;
		c->file_packets = 0;
		return true;
	}
	return false;
}

/* The open file ended, at its end or with the read error err. */
static void file_ended(struct capture *c, const char *err)
{
	const char *name = c->files[c->cur];
	if (err != NULL && c->file_packets == 0) {
		/* The header was accepted, the first block was not (a pcapng
		 * whose interfaces differ in snap length, a cut first record). */
		fprintf(stderr,
			"vigil: %s: libpcap refused the capture after its header: %s; "
			"no packets read\n",
			name, err);
		c->stats.files_empty++;
		c->stats.truncated_records++;
	} else if (err != NULL) {
		/* "truncated dump file; ..." for a cut record. */
		fprintf(stderr, "vigil: %s: read error after packet %llu: %s; rest of file skipped\n",
			name, (unsigned long long)c->pcap_cnt, err);
		c->stats.truncated_records++;
	} else if (c->file_packets == 0) {
		fprintf(stderr, "vigil: %s: the capture holds no packets\n", name);
		c->stats.files_empty++;
	}
}

int capture_next(struct capture *c, struct capture_frame *f)
{
	for (;;) {
		if (!c->pcap && c->nat.fd < 0 && !open_next(c))
			return 0;
		if (c->nat.fd >= 0) {
			int rc = native_next(&c->nat, f);
			if (rc == 1) {
				c->pcap_cnt++;
				c->file_packets++;
				c->stats.packets++;
				c->stats.bytes += f->caplen;
				f->linktype = c->linktype;
				f->file_index = c->cur;
				f->pcap_cnt = c->pcap_cnt;
				return 1;
			}
			file_ended(c, rc < 0 ? c->nat.err : NULL);
			close_current(c);
			continue;
		}
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc = pcap_next_ex(c->pcap, &h, &data);
		if (rc == 1) {
			c->pcap_cnt++;
			c->file_packets++;
			c->stats.packets++;
			c->stats.bytes += h->caplen;
			f->data = data;
			f->caplen = h->caplen;
			f->wirelen = h->len;
			f->ts_sec = h->ts.tv_sec;
			f->ts_usec = (uint32_t)h->ts.tv_usec;
			f->linktype = c->linktype;
			f->file_index = c->cur;
			f->pcap_cnt = c->pcap_cnt;
			return 1;
		}
		/* PCAP_ERROR_BREAK (end of file) or an error: next file. */
		file_ended(c, rc == PCAP_ERROR ? pcap_geterr(c->pcap) : NULL);
		close_current(c);
	}
}

const char *capture_file_name(const struct capture *c, uint32_t i)
{
	return i < c->nfiles ? c->files[i] : "";
}

uint64_t capture_position(const struct capture *c)
{
	uint64_t pos = c->done_before;
	if (c->nat.fd >= 0)
		pos += c->nat.consumed;
	else if (c->fp) {
		long off = ftell(c->fp);
		if (off > 0)
			pos += (uint64_t)off;
	}
	return pos;
}

const struct capture_stats *capture_get_stats(struct capture *c)
{
	c->stats.input_bytes_done = capture_position(c);
	return &c->stats;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	if (c->pcap)
		pcap_close(c->pcap);
	if (c->nat.fd >= 0)
		close(c->nat.fd);
	free(c->nat.buf);
	for (uint32_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	free(c->iobuf);
	free(c);
}
