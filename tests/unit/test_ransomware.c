/*
 * test_ransomware.c — the behaviour detector on share operations: each
 * behaviour fires at its threshold within the window and not below it, not
 * when the operations are spread wider than the window, once per window,
 * per (client, server, share); and what office work does (saves through a
 * temporary name, compressed files, one note-like name in few folders)
 * does not fire.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/app.h"
#include "decode/decode.h"
#include "detect/detect.h"

static const struct ip_addr client = {4, {10, 20, 14, 37}};
static const struct ip_addr client2 = {4, {10, 20, 14, 52}};
static const struct ip_addr server = {4, {10, 20, 1, 21}};
static const char share[] = "\\\\10.20.1.21\\Clinical";

static struct app_share_op op_of(enum app_share_op_kind kind, const char *path,
				 const char *new_path)
{
	struct app_share_op op;
	memset(&op, 0, sizeof(op));
	op.kind = kind;
	op.share = (const uint8_t *)share;
	op.share_len = (uint32_t)strlen(share);
	op.path = (const uint8_t *)path;
	op.path_len = (uint32_t)strlen(path);
	if (new_path != NULL) {
		op.new_path = (const uint8_t *)new_path;
		op.new_path_len = (uint32_t)strlen(new_path);
	}
	return op;
}

static unsigned observe(struct ransomware *r, const struct ip_addr *c,
			const struct app_share_op *op, int64_t now, uint32_t *sid)
{
	struct alert_queue q;
	q.count = 0;
	ransomware_observe_op(r, c, &server, op, 7, now, &q);
	if (q.count > 0 && sid != NULL)
		*sid = q.alerts[0].sid;
	return q.count;
}

static const char *meta(const struct alert *a, const char *key)
{
	size_t n = strlen(key);
	for (size_t i = 0; i < a->metadata_count; i++)
		if (strncmp(a->metadata[i], key, n) == 0 && a->metadata[i][n] == ' ')
			return a->metadata[i] + n + 1;
	return NULL;
}

/* n renames of distinct files to ".ext", one every `step` seconds;
 * returns the alerts raised and the index of the first. */
static unsigned renames(struct ransomware *r, const struct ip_addr *c, unsigned n, int64_t t0,
			int64_t step, const char *ext, unsigned *first)
{
	unsigned alerts = 0;
	for (unsigned i = 0; i < n; i++) {
		char from[64], to[72];
		snprintf(from, sizeof(from), "Oncology\\plan_%u.docx", i);
		snprintf(to, sizeof(to), "%s%s", from, ext);
		struct app_share_op op = op_of(APP_SHARE_RENAME, from, to);
		uint32_t sid = 0;
		unsigned a = observe(r, c, &op, t0 + (int64_t)i * step, &sid);
		if (a && alerts == 0 && first != NULL)
			*first = i;
		if (a)
			assert_int_equal(sid, RANSOMWARE_SID_BASE + 1);
		alerts += a;
	}
	return alerts;
}

static void test_mass_rename(void **state)
{
	(void)state;
	struct ransomware *r = ransomware_new(NULL);
	assert_non_null(r);
	unsigned first = 0;
	/* the 10th file renamed to .akira in a minute alerts, once */
	assert_int_equal(renames(r, &client, 40, 1000, 1, ".akira", &first), 1);
	assert_int_equal(first, 9);
	/* a new window: again */
	assert_int_equal(renames(r, &client, 10, 2000, 1, ".akira", NULL), 1);
	ransomware_free(r);

	/* nine is below the threshold */
	r = ransomware_new(NULL);
	assert_int_equal(renames(r, &client, 9, 1000, 1, ".qx7r", NULL), 0);
	/* the same ten spread over ten minutes stay below it in every window */
	ransomware_free(r);
	r = ransomware_new(NULL);
	assert_int_equal(renames(r, &client, 10, 1000, 61, ".qx7r", NULL), 0);
	/* two clients share the work: each stays below */
	ransomware_free(r);
	r = ransomware_new(NULL);
	assert_int_equal(renames(r, &client, 6, 1000, 1, ".qx7r", NULL) +
			     renames(r, &client2, 6, 1000, 1, ".qx7r", NULL),
			 0);
	ransomware_free(r);
}

/* A save through a temporary name renames to many extensions, or keeps one. */
static void test_office_saves_do_not_alert(void **state)
{
	(void)state;
	struct ransomware *r = ransomware_new(NULL);
	unsigned alerts = 0;
	for (unsigned i = 0; i < 50; i++) {
		char doc[64], tmp[64], bak[64];
		snprintf(doc, sizeof(doc), "Surgery\\list_%u.docx", i);
		snprintf(tmp, sizeof(tmp), "Surgery\\~WRL%04u.tmp", i);
		snprintf(bak, sizeof(bak), "Surgery\\list_%u.docx", i);
		struct app_share_op a = op_of(APP_SHARE_RENAME, doc, tmp);
		struct app_share_op b = op_of(APP_SHARE_RENAME, tmp, bak);
		/* docx -> tmp is one new extension each time: keep it under the
		 * threshold by spacing saves as people do (one every 10 s) */
		alerts += observe(r, &client, &a, 1000 + 10 * i, NULL);
		alerts += observe(r, &client, &b, 1000 + 10 * i, NULL);
	}
	assert_int_equal(alerts, 0);
	/* renames that keep their extension never count */
	for (unsigned i = 0; i < 50; i++) {
		char from[64], to[64];
		snprintf(from, sizeof(from), "ICU\\a%u.xlsx", i);
		snprintf(to, sizeof(to), "ICU\\b%u.xlsx", i);
		struct app_share_op op = op_of(APP_SHARE_RENAME, from, to);
		alerts += observe(r, &client, &op, 5000 + i, NULL);
	}
	assert_int_equal(alerts, 0);
	ransomware_free(r);
}

static void fill_random(uint8_t *b, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (uint8_t)(seed >> 16);
	}
}

static void test_high_entropy_overwrite(void **state)
{
	(void)state;
	static uint8_t rnd[8192], text[8192];
	fill_random(rnd, sizeof(rnd), 42);
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (uint8_t)"Patient list, ward 3, bed allocation. "[i % 38];
	struct ransomware *r = ransomware_new(NULL);
	unsigned alerts = 0;
	uint32_t sid = 0;
	for (unsigned i = 0; i < 12; i++) {
		char path[64];
		snprintf(path, sizeof(path), "ICU\\chart_%u.xlsx", i);
		struct app_share_op op = op_of(APP_SHARE_WRITE, path, NULL);
		op.sample = rnd;
		op.sample_len = sizeof(rnd);
		op.bytes = sizeof(rnd);
		alerts += observe(r, &client, &op, 1000 + i, &sid);
		/* writing the same file again counts once */
		alerts += observe(r, &client, &op, 1000 + i, NULL);
	}
	assert_int_equal(alerts, 1);
	assert_int_equal(sid, RANSOMWARE_SID_BASE + 2);
	ransomware_free(r);

	/* text, and too short a sample, do not count */
	r = ransomware_new(NULL);
	alerts = 0;
	for (unsigned i = 0; i < 30; i++) {
		char path[64];
		snprintf(path, sizeof(path), "ICU\\chart_%u.xlsx", i);
		struct app_share_op op = op_of(APP_SHARE_WRITE, path, NULL);
		op.sample = i % 2 ? text : rnd;
		op.sample_len = i % 2 ? sizeof(text) : 1000;
		op.bytes = i % 2 ? sizeof(text) : 9000;
		alerts += observe(r, &client, &op, 1000 + i, NULL);
	}
	assert_int_equal(alerts, 0);
	ransomware_free(r);
}

static void test_ransom_note(void **state)
{
	(void)state;
	static const char *const dirs[] = {"", "ICU\\", "Oncology\\", "Pharmacy\\", "Surgery\\",
					   "Archive\\"};
	struct ransomware *r = ransomware_new(NULL);
	unsigned alerts = 0;
	struct alert_queue q;
	for (unsigned i = 0; i < 6; i++) {
		char path[96];
		snprintf(path, sizeof(path), "%sHOW_TO_RESTORE.html", dirs[i]);
		struct app_share_op op = op_of(APP_SHARE_OPEN, path, NULL);
		op.created = true;
		q.count = 0;
		ransomware_observe_op(r, &client, &server, &op, 3, 1000 + i, &q);
		if (q.count) {
			assert_int_equal(i, 4); /* the fifth directory */
			assert_int_equal(q.alerts[0].sid, RANSOMWARE_SID_BASE + 3);
			assert_string_equal(meta(&q.alerts[0], "note_name"), "HOW_TO_RESTORE.html");
			assert_string_equal(meta(&q.alerts[0], "mitre_technique_id"), "T1486");
			assert_string_equal(meta(&q.alerts[0], "client"), "10.20.14.37");
			assert_string_equal(meta(&q.alerts[0], "share"), share);
			assert_int_equal(q.alerts[0].tx_id, 3);
		}
		alerts += q.count;
	}
	assert_int_equal(alerts, 1);
	ransomware_free(r);

	/* one name many times in one folder, or opened (not created), does not */
	r = ransomware_new(NULL);
	alerts = 0;
	for (unsigned i = 0; i < 20; i++) {
		char path[96];
		snprintf(path, sizeof(path), "%sdesktop.ini", dirs[i % 6]);
		struct app_share_op op = op_of(APP_SHARE_OPEN, path, NULL);
		op.created = false;
		alerts += observe(r, &client, &op, 1000 + i, NULL);
		struct app_share_op same = op_of(APP_SHARE_OPEN, "ICU\\notes.txt", NULL);
		same.created = true;
		alerts += observe(r, &client, &same, 1000 + i, NULL);
	}
	assert_int_equal(alerts, 0);
	ransomware_free(r);
}

/* UTF-16LE of s into out (no terminator); returns bytes written. */
static uint32_t utf16(uint8_t *out, const char *s)
{
	uint32_t n = 0;
	for (; *s; s++) {
		out[n++] = (uint8_t)*s;
		out[n++] = 0;
	}
	return n;
}

static const uint8_t svcctl[16] = {0x36, 0x7a, 0xbb, 0x81, 0x98, 0x44, 0x35, 0xf1,
				   0xad, 0x32, 0x98, 0xf0, 0x38, 0x00, 0x10, 0x03};

static void test_remote_service_and_recovery(void **state)
{
	(void)state;
	uint8_t stub[512];
	memset(stub, 0, sizeof(stub)); /* the SCM handle, NDR counts */
	uint32_t n = 20 + 12;
	n += utf16(stub + n, "updsvc");
	n += 12;
	n += utf16(stub + n, "cmd.exe /c vssadmin.exe Delete Shadows /All /Quiet");
	struct app_share_op op = op_of(APP_SHARE_RPC, "", NULL);
	op.iface = svcctl;
	op.opnum = 12; /* CreateServiceW */
	op.stub = stub;
	op.stub_len = n;
	struct ransomware *r = ransomware_new(NULL);
	struct alert_queue q;
	q.count = 0;
	ransomware_observe_op(r, &client, &server, &op, 1, 1000, &q);
	assert_int_equal(q.count, 2);
	assert_int_equal(q.alerts[0].sid, RANSOMWARE_SID_BASE + 4);
	assert_int_equal(q.alerts[1].sid, RANSOMWARE_SID_BASE + 5);
	assert_string_equal(meta(&q.alerts[1], "mitre_technique_id"), "T1490");
	ransomware_free(r);

	/* a benign service: only the creation */
	n = 20 + 12;
	n += utf16(stub + n, "PSEXESVC");
	n += 12;
	n += utf16(stub + n, "%SystemRoot%\\PSEXESVC.exe");
	op.stub_len = n;
	r = ransomware_new(NULL);
	q.count = 0;
	ransomware_observe_op(r, &client, &server, &op, 1, 1000, &q);
	assert_int_equal(q.count, 1);
	assert_int_equal(q.alerts[0].sid, RANSOMWARE_SID_BASE + 4);
	/* the same call on another interface: nothing */
	uint8_t other[16];
	memcpy(other, svcctl, 16);
	other[0] ^= 1;
	op.iface = other;
	q.count = 0;
	ransomware_observe_op(r, &client2, &server, &op, 1, 1000, &q);
	assert_int_equal(q.count, 0);

	/* OpenServiceW("VSS") then ControlService: a backup service stopped */
	op.iface = svcctl;
	op.opnum = 16;
	n = 20 + 12;
	n += utf16(stub + n, "VSS");
	op.stub_len = n;
	q.count = 0;
	ransomware_observe_op(r, &client2, &server, &op, 2, 1100, &q);
	assert_int_equal(q.count, 0);
	op.opnum = 1;
	op.stub_len = 24;
	ransomware_observe_op(r, &client2, &server, &op, 3, 1100, &q);
	assert_int_equal(q.count, 1);
	assert_int_equal(q.alerts[0].sid, RANSOMWARE_SID_BASE + 5);
	assert_string_equal(meta(&q.alerts[0], "method"), "service_stopped");
	ransomware_free(r);
}

static void test_settings(void **state)
{
	(void)state;
	struct ransomware_config c;
	ransomware_config_defaults(&c);
	c.renames = 3;
	c.window = 10;
	struct ransomware *r = ransomware_new(&c);
	unsigned first = 0;
	assert_int_equal(renames(r, &client, 5, 1000, 1, ".enc", &first), 1);
	assert_int_equal(first, 2);
	ransomware_free(r);
	c.enabled = false;
	r = ransomware_new(&c);
	assert_int_equal(renames(r, &client, 50, 1000, 1, ".enc", NULL), 0);
	ransomware_free(r);
	/* a full table forgets the least recently seen triple, and says so */
	ransomware_config_defaults(&c);
	c.max_keys = 16;
	r = ransomware_new(&c);
	for (unsigned i = 0; i < 40; i++) {
		struct ip_addr a = {4, {10, 0, 0, (uint8_t)i}};
		struct app_share_op op = op_of(APP_SHARE_RENAME, "x.doc", "x.doc.enc");
		observe(r, &a, &op, 1000 + i, NULL);
	}
	assert_int_equal(ransomware_keys_dropped(r), 24);
	ransomware_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mass_rename),
	    cmocka_unit_test(test_office_saves_do_not_alert),
	    cmocka_unit_test(test_high_entropy_overwrite),
	    cmocka_unit_test(test_ransom_note),
	    cmocka_unit_test(test_remote_service_and_recovery),
	    cmocka_unit_test(test_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
