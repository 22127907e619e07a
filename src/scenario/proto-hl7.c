/*
 * proto-hl7 — HL7 v2.5.1 messages framed by MLLP (0x0b ... 0x1c 0x0d), as
 * interface engines exchange them between clinical systems: ADT (patient
 * admit/transfer) and ORU (lab results), each answered by an application
 * ACK.  Patient data is synthetic, drawn from small name lists.
 */
#include <stdio.h>
#include <time.h>

#include "scenario/proto.h"

static const char *family[] = {"GARCIA",   "NGUYEN", "OKAFOR", "MUELLER", "ROSSI",
			       "KOWALSKI", "TANAKA", "MARTIN", "SILVA",	  "JOHNSON"};
static const char *given[] = {"MARIA", "JAMES", "AMARA", "LUKAS", "SOFIA",
			      "PIOTR", "HANA",	"LOUIS", "ANA",	  "EMMA"};

static void hl7_ts(uint64_t us, char *out, size_t n)
{
	time_t s = (time_t)(us / SC_SEC);
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(out, n, "%Y%m%d%H%M%S", &tm);
}

void sc_hl7_message(struct sc_tcp *s, struct sc_rng *r, uint64_t now_us, const char *type,
		    unsigned msg_no)
{
	char ts[32];
	hl7_ts(now_us, ts, sizeof(ts));
	struct sc_buf m;
	sc_buf_init(&m);
	unsigned f = (unsigned)sc_rng_below(r, 10), g = (unsigned)sc_rng_below(r, 10);
	unsigned mrn = (unsigned)sc_rng_range(r, 100000, 999999);
	bool oru = type[0] == 'O';
	sc_buf_u8(&m, 0x0b);
	sc_buf_printf(&m, "MSH|^~\\&|%s|STMARYS|%s|STMARYS|%s||%s|MSG%08u|P|2.5.1\r",
		      oru ? "LAB" : "EPIC", oru ? "EPIC" : "PACS", ts,
		      oru ? "ORU^R01^ORU_R01" : "ADT^A01^ADT_A01", msg_no);
	if (!oru)
		sc_buf_printf(&m, "EVN|A01|%s\r", ts);
	sc_buf_printf(&m,
		      "PID|1||%u^^^STMARYS^MR||%s^%s||19%02u%02u%02u|%s|||%u ELM ST^^SPRINGFIELD^IL"
		      "^62701||555-01%02u\r",
		      mrn, family[f], given[g], (unsigned)sc_rng_range(r, 40, 99),
		      (unsigned)sc_rng_range(r, 1, 12), (unsigned)sc_rng_range(r, 1, 28),
		      g % 2 ? "M" : "F", (unsigned)sc_rng_range(r, 1, 999),
		      (unsigned)sc_rng_below(r, 100));
	if (oru) {
		sc_buf_printf(&m, "OBR|1|%u|%u|2345-7^GLUCOSE^LN|||%s\r", msg_no, mrn, ts);
		sc_buf_printf(&m, "OBX|1|NM|2345-7^GLUCOSE^LN||%u|mg/dL|70-110|N|||F\r",
			      (unsigned)sc_rng_range(r, 72, 160));
	} else {
		sc_buf_printf(&m, "PV1|1|I|ICU^%u^A|E|||1234^SMITH^ROBERT^^^DR|||MED\r",
			      (unsigned)sc_rng_range(r, 101, 130));
	}
	sc_buf_u8(&m, 0x1c);
	sc_buf_u8(&m, 0x0d);
	sc_tcp_send_buf(s, SC_C2S, &m);
	sc_tcp_wait(s, sc_rng_range(r, 3 * SC_MS, 40 * SC_MS));
	sc_buf_reset(&m);
	sc_buf_u8(&m, 0x0b);
	sc_buf_printf(&m, "MSH|^~\\&|%s|STMARYS|%s|STMARYS|%s||ACK^%s|ACK%08u|P|2.5.1\r",
		      oru ? "EPIC" : "PACS", oru ? "LAB" : "EPIC", ts, oru ? "R01^ACK" : "A01^ACK",
		      msg_no);
	sc_buf_printf(&m, "MSA|AA|MSG%08u\r", msg_no);
	sc_buf_u8(&m, 0x1c);
	sc_buf_u8(&m, 0x0d);
	sc_tcp_send_buf(s, SC_S2C, &m);
	if (m.oom)
		s->c->oom = true;
	sc_buf_free(&m);
}
