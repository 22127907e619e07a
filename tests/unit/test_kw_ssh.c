/*
 * test_kw_ssh.c — detect/kw-ssh.c: the SSH buffer family's getters on a
 * parsed handshake (names, aliases, directions as Suricata 8 registers
 * them), the obsolete ssh.protoversion / ssh.softwareversion failing a
 * rule, and detect_engine_wants_hassh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app/ssh.h"
#include "test_detect_helpers.h"
#include "test_ssh_vectors.h"

static const struct app_buffer_spec *spec_named(const char *name)
{
	for (size_t i = 0; i < app_buffers_ssh.n; i++)
		if (strcmp(app_buffers_ssh.specs[i].name, name) == 0)
			return &app_buffers_ssh.specs[i];
	fail_msg("no spec %s", name);
	return NULL;
}

static struct ssh_state *handshake(void)
{
	static const struct ssh_config cfg = {.hassh = true};
	struct ssh_state *s = ssh_state_new(&cfg);
	assert_non_null(s);
	ssh_parse(s, APP_TOSERVER, hassh_client_banner, sizeof(hassh_client_banner), 0);
	ssh_parse(s, APP_TOCLIENT, hassh_server_banner, sizeof(hassh_server_banner), 0);
	ssh_parse(s, APP_TOSERVER, hassh_client_kexinit, sizeof(hassh_client_kexinit), 0);
	ssh_parse(s, APP_TOCLIENT, hassh_server_kexinit, sizeof(hassh_server_kexinit), 0);
	return s;
}

static void assert_buf(const char *name, const struct ssh_tx *tx, enum app_dir dir,
		       const char *want)
{
	const struct app_buffer_spec *sp = spec_named(name);
	const uint8_t *d = NULL;
	uint32_t l = 0;
	bool ok = sp->get(sp, NULL, tx, dir, 0, &d, &l);
	if (want == NULL) {
		assert_false(ok);
		return;
	}
	assert_true(ok);
	assert_int_equal(l, strlen(want));
	assert_memory_equal(d, want, l);
	/* one instance only */
	assert_false(sp->get(sp, NULL, tx, dir, 1, &d, &l));
}

static void test_family(void **unused)
{
	(void)unused;
	static const struct {
		const char *name, *alias;
		uint8_t dirs;
	} want[] = {
	    {"ssh.proto", "ssh_proto", AD_BOTH},
	    {"ssh.software", "ssh_software", AD_BOTH},
	    {"ssh.hassh", "ssh-hassh", AD_TS},
	    {"ssh.hassh.string", "ssh-hassh-string", AD_TS},
	    {"ssh.hassh.server", "ssh-hassh-server", AD_TC},
	    {"ssh.hassh.server.string", "ssh-hassh-server-string", AD_TC},
	};
	assert_int_equal(app_buffers_ssh.n, 6);
	for (size_t i = 0; i < 6; i++) {
		const struct app_buffer_spec *sp = spec_named(want[i].name);
		assert_string_equal(sp->alias, want[i].alias);
		assert_int_equal(sp->dirs, want[i].dirs);
		assert_int_equal(sp->proto, APP_PROTO_SSH);
	}
}

static void test_getters(void **unused)
{
	(void)unused;
	struct ssh_state *s = handshake();
	const struct ssh_tx *tx = ssh_state_tx(s);
	assert_buf("ssh.proto", tx, APP_TOSERVER, "2.0");
	assert_buf("ssh.software", tx, APP_TOSERVER, "OpenSSH_for_Windows_7.7");
	assert_buf("ssh.software", tx, APP_TOCLIENT, "OpenSSH_7.4");
	/* the client's fingerprint on to_server, the server's on to_client */
	assert_buf("ssh.hassh", tx, APP_TOSERVER, "2dd6531c7e89d3c925db9214711be76a");
	assert_buf("ssh.hassh.server", tx, APP_TOCLIENT, "6832f1ce43d4397c2c0a3e2f8c94334e");
	const struct app_buffer_spec *sp = spec_named("ssh.hassh.server.string");
	const uint8_t *d = NULL;
	uint32_t l = 0;
	assert_true(sp->get(sp, NULL, tx, APP_TOCLIENT, 0, &d, &l));
	assert_true(l > 21);
	assert_memory_equal(d + l - 21, "none,zlib@openssh.com", 21);
	ssh_state_free(s);

	/* nothing before the banner */
	static const struct ssh_config none = {.hassh = false};
	s = ssh_state_new(&none);
	assert_buf("ssh.proto", ssh_state_tx(s), APP_TOSERVER, NULL);
	ssh_parse(s, APP_TOSERVER, (const uint8_t *)"SSH-2.0-\r\n", 10, 0);
	assert_buf("ssh.proto", ssh_state_tx(s), APP_TOSERVER, "2.0");
	assert_buf("ssh.software", ssh_state_tx(s), APP_TOSERVER, NULL);
	ssh_state_free(s);
}

static void test_obsolete_keywords(void **unused)
{
	(void)unused;
	assert_int_equal(
	    th_parse_result("alert ssh any any -> any any (ssh.protoversion:2_compat; sid:1;)"), 0);
	assert_int_equal(th_parse_result("alert ssh any any -> any any "
					 "(ssh.softwareversion:\"OpenSSH\"; sid:1;)"),
			 0);
}

static void test_wants_hassh(void **unused)
{
	(void)unused;
	assert_false(detect_engine_wants_hassh(NULL));
	struct detect_engine *de =
	    th_engine("alert tcp any any -> any 22 (content:\"SSH-\"; sid:1;)\n", NULL);
	assert_non_null(de);
	assert_false(detect_engine_wants_hassh(de));
	detect_engine_free(de);
	if (buffer_lookup("ssh.hassh") < 0 && app_buffer_lookup("ssh.hassh") < 0)
		skip(); /* the app buffer families are not wired into rules yet */
	de = th_engine("alert ssh any any -> any any (ssh.hassh; "
		       "content:\"2dd6531c7e89d3c925db9214711be76a\"; sid:1;)\n",
		       NULL);
	assert_non_null(de);
	assert_true(detect_engine_wants_hassh(de));
	detect_engine_free(de);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_family),
	    cmocka_unit_test(test_getters),
	    cmocka_unit_test(test_obsolete_keywords),
	    cmocka_unit_test(test_wants_hassh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
