/* Tests for the EVE outputs that are not files (output/eve-config.c's
 * filetype sections, eve-kafka.c): bad settings are refused naming their
 * key; events produced to Kafka (librdkafka's mock cluster, no server
 * needed) are consumed back and compared, each once, also across a broker
 * that goes down mid-run; a cluster that never comes back within
 * flush-timeout has every event counted lost; and vigil itself (VIGIL_BIN)
 * ships a capture's events to the mock cluster, compared with its eve.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output/eve.h"
#include "util/config.h"

/* The eve-log output settings of a config with `eve` under eve-log. */
static void load(struct eve_config *c, const char *eve)
{
	char yaml[2048], err[256];
	snprintf(yaml, sizeof(yaml), "outputs:\n  - eve-log:\n%s", eve);
	struct config_node *root = config_new();
	assert_true(config_load_string(root, yaml, err, sizeof(err)));
	eve_config_defaults(c);
	eve_config_load(c, root);
	config_free(root);
}

static void test_config_values(void **state)
{
	(void)state;
	struct eve_config c;
	load(&c, "      filetype: redis\n      redis:\n        server: 10.1.2.3\n"
		 "        port: 6380\n        mode: stream\n        key: ev\n"
		 "        pipelining:\n          enabled: yes\n          batch-size: 50\n"
		 "        stream-maxlen: 1000\n");
	assert_string_equal(c.output.error, "");
	assert_int_equal(c.output.filetype, EVE_FILETYPE_REDIS);
	assert_string_equal(c.output.redis.server, "10.1.2.3");
	assert_int_equal(c.output.redis.port, 6380);
	assert_int_equal(c.output.redis.mode, EVE_REDIS_XADD);
	assert_string_equal(c.output.redis.key, "ev");
	assert_true(c.output.redis.pipelining);
	assert_int_equal(c.output.redis.batch_size, 50);
	assert_int_equal(c.output.redis.stream_maxlen, 1000);
	/* without pipelining every command waits for its reply */
	load(&c, "      filetype: redis\n      redis:\n        mode: channel\n");
	assert_int_equal(c.output.redis.mode, EVE_REDIS_PUBLISH);
	assert_int_equal(c.output.redis.batch_size, 1);
	assert_string_equal(c.output.redis.key, "suricata");
	load(&c, "      filetype: syslog\n      facility: local3\n      level: Warning\n"
		 "      identity: ids\n");
	assert_string_equal(c.output.error, "");
	assert_int_equal(c.output.filetype, EVE_FILETYPE_SYSLOG);
	assert_int_equal(c.output.syslog.facility, LOG_LOCAL3);
	assert_int_equal(c.output.syslog.level, LOG_WARNING);
	assert_string_equal(c.output.syslog.identity, "ids");
	load(&c, "      filetype: kafka\n      kafka:\n        brokers: a:1,b:2\n"
		 "        topic: t\n        compression: zstd\n        acks: 1\n");
	assert_string_equal(c.output.error, "");
	assert_int_equal(c.output.filetype, EVE_FILETYPE_KAFKA);
	assert_string_equal(c.output.kafka.compression, "zstd");
	assert_string_equal(c.output.kafka.acks, "1");
	assert_false(c.output.kafka.idempotence); /* needs acks all */
}

static void test_config_refused(void **state)
{
	(void)state;
	static const struct {
		const char *eve, *key;
	} bad[] = {
	    {"      filetype: unix_stream\n", "outputs.eve-log.filetype: bad value 'unix_stream'"},
	    {"      filetype: redis\n      redis:\n        mode: lpop\n", "redis.mode: bad value"},
	    {"      redis:\n        port: 0\n", "redis.port: bad value '0'"},
	    {"      redis:\n        port: 6379x\n", "redis.port: bad value"},
	    {"      redis:\n        backlog: -5\n", "redis.backlog: bad value"},
	    {"      redis:\n        pipelining:\n          batch-size: 0\n",
	     "redis.pipelining.batch-size: bad value"},
	    {"      kafka:\n        compression: brotli\n", "kafka.compression: bad value"},
	    {"      kafka:\n        acks: 2\n", "kafka.acks: bad value '2'"},
	    {"      kafka:\n        acks: 1\n        idempotence: yes\n",
	     "kafka.idempotence: bad value"},
	    {"      kafka:\n        topic: \"\"\n", "kafka.topic: bad value"},
	    {"      facility: local9\n", "outputs.eve-log.facility: bad value 'local9'"},
	    {"      level: loud\n", "outputs.eve-log.level: bad value 'loud'"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct eve_config c;
		load(&c, bad[i].eve);
		if (!strstr(c.output.error, bad[i].key))
			fail_msg("%s: error '%s', expected '%s'", bad[i].eve, c.output.error,
				 bad[i].key);
		char err[512];
		assert_null(eve_output_open(&c, "/nonexistent/eve.json", err, sizeof(err)));
		assert_non_null(strstr(err, bad[i].key));
	}
}

/* A mock cluster of 3 brokers with topic `vigil` (1 partition on broker 1). */
struct cluster {
	rd_kafka_t *rk;
	rd_kafka_mock_cluster_t *mc;
};

static void cluster_start(struct cluster *cl)
{
	char err[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	assert_int_equal(rd_kafka_conf_set(conf, "log_level", "0", err, sizeof(err)),
			 RD_KAFKA_CONF_OK);
	cl->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	assert_non_null(cl->rk);
	cl->mc = rd_kafka_mock_cluster_new(cl->rk, 3);
	assert_non_null(cl->mc);
	assert_int_equal(rd_kafka_mock_topic_create(cl->mc, "vigil", 1, 1), 0);
	rd_kafka_mock_partition_set_leader(cl->mc, "vigil", 0, 1);
}

static void cluster_stop(struct cluster *cl)
{
	rd_kafka_mock_cluster_destroy(cl->mc);
	rd_kafka_destroy(cl->rk);
}

/* Everything in the topic, in order, as one text of lines. */
static char *consume_all(struct cluster *cl, size_t want, size_t *got)
{
	char err[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_conf_set(conf, "bootstrap.servers", rd_kafka_mock_cluster_bootstraps(cl->mc), err,
			  sizeof(err));
	rd_kafka_conf_set(conf, "group.id", "test", err, sizeof(err));
	rd_kafka_conf_set(conf, "log_level", "0", err, sizeof(err));
	rd_kafka_t *c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
	assert_non_null(c);
	rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(parts, "vigil", 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
	assert_int_equal(rd_kafka_assign(c, parts), 0);
	rd_kafka_topic_partition_list_destroy(parts);
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	*got = 0;
	/* up to 30 s for `want`, then 1 s of quiet to see nothing more comes */
	for (int idle = 0; idle < (*got >= want ? 10 : 300);) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 100);
		if (!m) {
			idle++;
			continue;
		}
		if (!m->err) {
			while (len + m->len + 2 > cap)
				out = realloc(out, cap *= 2);
			memcpy(out + len, m->payload, m->len);
			len += m->len;
			out[len++] = '\n';
			++*got;
			idle = 0;
		}
		rd_kafka_message_destroy(m);
	}
	out[len] = '\0';
	rd_kafka_consumer_close(c);
	rd_kafka_destroy(c);
	return out;
}

static struct eve_file *open_kafka(struct cluster *cl, const char *extra)
{
	char eve[1024], err[512];
	snprintf(eve, sizeof(eve),
		 "      filetype: kafka\n      kafka:\n        brokers: %s\n        topic: vigil\n"
		 "        compression: lz4\n%s",
		 rd_kafka_mock_cluster_bootstraps(cl->mc), extra);
	struct eve_config c;
	load(&c, eve);
	struct eve_file *f = eve_output_open(&c, "unused", err, sizeof(err));
	if (!f)
		fail_msg("open: %s", err);
	return f;
}

/* n events "seq" 0..n-1, in batches of 50 lines, alert and flow alternating. */
static void produce(struct eve_file *f, int from, int to)
{
	char buf[50 * 96];
	size_t o = 0;
	for (int i = from; i < to; i++) {
		o += (size_t)snprintf(buf + o, sizeof(buf) - o,
				      "{\"event_type\":\"%s\",\"seq\":%d}\n",
				      i % 2 ? "flow" : "alert", i);
		if ((i - from) % 50 == 49 || i == to - 1) {
			eve_file_write(f, buf, o);
			o = 0;
		}
	}
}

static void expect_sequence(const char *text, int n)
{
	const char *p = text;
	for (int i = 0; i < n; i++) {
		char line[96];
		int w = snprintf(line, sizeof(line), "{\"event_type\":\"%s\",\"seq\":%d}\n",
				 i % 2 ? "flow" : "alert", i);
		if (strncmp(p, line, (size_t)w) != 0)
			fail_msg("event %d: got '%.60s'", i, p);
		p += w;
	}
	assert_string_equal(p, "");
}

static void test_kafka_roundtrip(void **state)
{
	(void)state;
	struct cluster cl;
	cluster_start(&cl);
	struct eve_file *f = open_kafka(&cl, "");
	produce(f, 0, 1000);
	eve_file_settle(f);
	struct eve_file_stats st;
	eve_file_get_stats(f, &st);
	assert_int_equal(st.written, 1000);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.ntypes, 2);
	assert_false(st.regular);
	assert_true(eve_file_close(f));
	size_t got;
	char *text = consume_all(&cl, 1000, &got);
	assert_int_equal(got, 1000);
	expect_sequence(text, 1000);
	free(text);
	cluster_stop(&cl);
}

/* The partition's broker goes down mid-run and comes back: every event
 * arrives, once (the idempotent producer), in order. */
static void test_kafka_broker_down_midrun(void **state)
{
	(void)state;
	struct cluster cl;
	cluster_start(&cl);
	struct eve_file *f = open_kafka(&cl, "");
	produce(f, 0, 300);
	rd_kafka_mock_broker_set_down(cl.mc, 1);
	produce(f, 300, 600);
	usleep(300 * 1000);
	produce(f, 600, 700);
	rd_kafka_mock_broker_set_up(cl.mc, 1);
	produce(f, 700, 1000);
	eve_file_settle(f);
	struct eve_file_stats st;
	eve_file_get_stats(f, &st);
	assert_int_equal(st.written, 1000);
	assert_int_equal(st.lost, 0);
	eve_file_close(f);
	size_t got;
	char *text = consume_all(&cl, 1000, &got);
	assert_int_equal(got, 1000);
	expect_sequence(text, 1000);
	free(text);
	cluster_stop(&cl);
}

/* The broker stays down past flush-timeout, with a backlog of 100: the
 * queue is bounded (the rest lost at once), what was queued is purged at
 * the end and counted lost; nothing is counted twice or not at all. */
static void test_kafka_cluster_away(void **state)
{
	(void)state;
	struct cluster cl;
	cluster_start(&cl);
	for (int b = 1; b <= 3; b++)
		rd_kafka_mock_broker_set_down(cl.mc, b);
	struct eve_file *f = open_kafka(&cl, "        backlog: 100\n        flush-timeout: 1\n");
	produce(f, 0, 500);
	eve_file_settle(f);
	struct eve_file_stats st;
	eve_file_get_stats(f, &st);
	assert_int_equal(st.written, 0);
	assert_int_equal(st.lost, 500);
	assert_true(st.write_errors > 0);
	uint64_t by_type = 0;
	for (size_t i = 0; i < st.ntypes; i++)
		by_type += st.types[i].lost;
	assert_int_equal(by_type, 500);
	/* lines handed over after the end are counted, not dropped */
	eve_file_write(f, "{\"event_type\":\"alert\"}\n", 23);
	eve_file_get_stats(f, &st);
	assert_int_equal(st.lost, 501);
	eve_file_close(f);
	cluster_stop(&cl);
}

/* vigil itself, run over its sample capture with filetype kafka: the topic
 * holds eve.json's events (of a second run writing a file), each once. */
static void test_kafka_vigil_run(void **state)
{
	(void)state;
	const char *env = getenv("VIGIL_BIN");
	if (!env)
		skip();
	char *bin = realpath(env, NULL);
	assert_non_null(bin);
	char dir[] = "/tmp/vigil-kafka-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct cluster cl;
	cluster_start(&cl);
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; '%s' scenario write sample -o s.pcap --seed 1 >/dev/null; "
		 "mkdir ref ship; '%s' -r s.pcap -l ref --runmode single --no-progress -q; "
		 "'%s' -r s.pcap -l ship --runmode single --no-progress "
		 "--set outputs.1.eve-log.filetype=kafka "
		 "--set outputs.1.eve-log.kafka.brokers=%s "
		 "--set outputs.1.eve-log.kafka.topic=vigil 2>ship.err; "
		 "grep -q ', 0 lost;' ship.err; test ! -e ship/eve.json",
		 dir, bin, bin, bin, rd_kafka_mock_cluster_bootstraps(cl.mc));
	if (system(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "cat %s/ship.err >&2", dir);
		(void)system(cmd);
		fail_msg("vigil run with kafka output failed");
	}
	char path[512];
	snprintf(path, sizeof(path), "%s/ref/eve.json", dir);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	size_t want = 0;
	for (int ch; (ch = fgetc(fp)) != EOF;)
		want += ch == '\n';
	fclose(fp);
	assert_true(want > 10);
	size_t got;
	char *text = consume_all(&cl, want, &got);
	assert_int_equal(got, want);
	snprintf(path, sizeof(path), "%s/ship.json", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(text);
	/* same events as eve.json (stats carry wall-clock uptime: by type only) */
	snprintf(cmd, sizeof(cmd),
		 "cd %s && norm() { sed 's/\"uptime\":[0-9]*/\"uptime\":0/' \"$1\" | sort; }; "
		 "norm ref/eve.json >a && norm ship.json >b && cmp -s a b",
		 dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
	free(bin);
	cluster_stop(&cl);
}

/* The syslog output, in a child with its own mount namespace where a
 * tmpfs over /dev holds our /dev/log socket (root only; else skipped):
 * each line arrives as one message with the facility, level and identity
 * configured, and is counted written.  Exit codes: 0 ok, 77 skip, else
 * the failed step. */
static int syslog_child(void)
{
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", "/dev", "tmpfs", 0, NULL) != 0)
		return 77;
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "/dev/log");
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0)
		return 2;
	struct timeval tv = {5, 0};
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char yaml[] = "outputs:\n  - eve-log:\n      filetype: syslog\n      identity: ids\n"
		      "      facility: local3\n      level: Warning\n";
	char err[256];
	struct config_node *root = config_new();
	if (!config_load_string(root, yaml, err, sizeof(err)))
		return 3;
	struct eve_config c;
	eve_config_defaults(&c);
	eve_config_load(&c, root);
	config_free(root);
	struct eve_file *f = eve_output_open(&c, "unused", err, sizeof(err));
	if (!f)
		return 4;
	const char *lines = "{\"event_type\":\"alert\",\"seq\":0}\n"
			    "{\"event_type\":\"flow\",\"seq\":1}\n";
	eve_file_write(f, lines, strlen(lines));
	eve_file_settle(f);
	struct eve_file_stats st;
	eve_file_get_stats(f, &st);
	eve_file_close(f);
	if (st.written != 2 || st.lost != 0)
		return 5;
	for (int i = 0; i < 2; i++) {
		char m[512], want[64];
		ssize_t n = recv(s, m, sizeof(m) - 1, 0);
		if (n <= 0)
			return 6;
		m[n] = '\0';
		/* <PRI>: local3 (19) * 8 + warning (4) = 156 */
		snprintf(want, sizeof(want), "\"seq\":%d}", i);
		if (strncmp(m, "<156>", 5) != 0 || !strstr(m, " ids[") || !strstr(m, want)) {
			fprintf(stderr, "syslog message %d: %s\n", i, m);
			return 7;
		}
	}
	return 0;
}

static void test_syslog_output(void **state)
{
	(void)state;
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(syslog_child());
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- Redis: a server that goes away mid-run and comes back ---- */

static char redis_dir[64];
static unsigned redis_port;

/* Starts redis-server on redis_port in redis_dir; false when absent. */
static bool redis_start(void)
{
	char cmd[512];
	snprintf(
	    cmd, sizeof(cmd),
	    "redis-server --port %u --bind 127.0.0.1 --dir %s --save '' --appendonly no "
	    "--daemonize yes --pidfile %s/pid --logfile %s/log && "
	    "for i in $(seq 50); do redis-cli -p %u ping 2>/dev/null | grep -q PONG && exit 0; "
	    "sleep 0.1; done; exit 1",
	    redis_port, redis_dir, redis_dir, redis_dir, redis_port);
	return system(cmd) == 0;
}

static void redis_stop(void)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
		 "kill -9 $(cat %s/pid) 2>/dev/null; for i in $(seq 50); do "
		 "redis-cli -p %u ping >/dev/null 2>&1 || exit 0; sleep 0.1; done",
		 redis_dir, redis_port);
	(void)system(cmd);
}

static long redis_llen(const char *key)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "redis-cli -p %u llen %s", redis_port, key);
	FILE *p = popen(cmd, "r");
	long n = -1;
	if (p && fscanf(p, "%ld", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

static struct eve_file *open_redis(const char *key, unsigned backlog)
{
	char eve[512], err[512];
	snprintf(eve, sizeof(eve),
		 "      filetype: redis\n      redis:\n        port: %u\n        mode: rpush\n"
		 "        key: %s\n        backlog: %u\n        pipelining:\n"
		 "          enabled: yes\n          batch-size: 20\n",
		 redis_port, key, backlog);
	struct eve_config c;
	load(&c, eve);
	struct eve_file *f = eve_output_open(&c, "unused", err, sizeof(err));
	if (!f)
		fail_msg("open: %s", err);
	return f;
}

static int redis_setup(void **state)
{
	(void)state;
	if (system("command -v redis-server >/dev/null && command -v redis-cli >/dev/null") != 0)
		return 0; /* the tests skip */
	snprintf(redis_dir, sizeof(redis_dir), "/tmp/vigil-redis-XXXXXX");
	if (!mkdtemp(redis_dir))
		return -1;
	redis_port = 20000 + (unsigned)(getpid() % 20000);
	return 0;
}

static int redis_teardown(void **state)
{
	(void)state;
	if (!redis_dir[0])
		return 0;
	redis_stop();
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", redis_dir);
	(void)system(cmd);
	return 0;
}

/* Server killed mid-run and started again (empty): the events written
 * while it was away are held and delivered after the reconnect; none is
 * lost, and the process never waited on the dead server. */
static void test_redis_reconnect(void **state)
{
	(void)state;
	if (!redis_dir[0] || !redis_start())
		skip();
	struct eve_file *f = open_redis("rc", 1000);
	produce(f, 0, 100);
	assert_int_equal(redis_llen("rc"), 100);
	redis_stop();
	produce(f, 100, 300); /* held */
	assert_true(redis_start());
	usleep(200 * 1000); /* past the reconnect pause */
	produce(f, 300, 400);
	eve_file_settle(f);
	struct eve_file_stats st;
	eve_file_get_stats(f, &st);
	assert_int_equal(st.written, 400);
	assert_int_equal(st.lost, 0);
	eve_file_close(f);
	/* the restarted server holds what came after the kill, in order */
	assert_int_equal(redis_llen("rc"), 300);
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
		 "redis-cli -p %u --raw lrange rc 0 0 | grep -q '\"seq\":100}' && "
		 "redis-cli -p %u --raw lrange rc -1 -1 | grep -q '\"seq\":399}'",
		 redis_port, redis_port);
	assert_int_equal(system(cmd), 0);
	redis_stop();
}

/* Server away with a backlog of 50: 50 events held (then delivered when it
 * comes back before the end), the other 150 counted lost, by type. */
static void test_redis_backlog_cap(void **state)
{
	(void)state;
	if (!redis_dir[0])
		skip();
	redis_stop();
	struct eve_file *f = open_redis("cap", 50);
	produce(f, 0, 200);
	assert_true(redis_start());
	eve_file_settle(f); /* one forced connect: the 50 held go out */
	struct eve_file_stats st;
	eve_file_get_stats(f, &st);
	assert_int_equal(st.written, 50);
	assert_int_equal(st.lost, 150);
	uint64_t lost = 0;
	for (size_t i = 0; i < st.ntypes; i++)
		lost += st.types[i].lost;
	assert_int_equal(lost, 150);
	eve_file_close(f);
	assert_int_equal(redis_llen("cap"), 50);
	redis_stop();
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN); /* as vigil: a dead server is an error, not the end */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_values),
	    cmocka_unit_test(test_config_refused),
	    cmocka_unit_test(test_syslog_output),
	    cmocka_unit_test(test_kafka_roundtrip),
	    cmocka_unit_test(test_kafka_broker_down_midrun),
	    cmocka_unit_test(test_kafka_cluster_away),
	    cmocka_unit_test(test_kafka_vigil_run),
	};
	const struct CMUnitTest redis_tests[] = {
	    cmocka_unit_test(test_redis_reconnect),
	    cmocka_unit_test(test_redis_backlog_cap),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	return failed + cmocka_run_group_tests(redis_tests, redis_setup, redis_teardown);
}
