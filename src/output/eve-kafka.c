/*
 * eve-kafka — EVE lines to Kafka (eve-log filetype kafka) through
 * librdkafka: one message per event on the topic, brokers, compression and
 * acks from the config, an idempotent producer with acks all (no
 * duplicates from librdkafka's own retries).
 *
 * librdkafka queues and sends in its own threads; its queue is bounded
 * (kafka.backlog messages): when it is full the event is counted lost at
 * once, so a slow or absent cluster never blocks the packet path.  Each
 * message's fate comes back as a delivery report, served on the writer's
 * thread (rd_kafka_poll under the output's lock), and is counted written
 * or lost then.  At the end of a run the producer waits up to
 * kafka.flush-timeout seconds for what is in flight; what is left is
 * purged, and its reports count it lost.
 */
#include "output/eve-sink.h"

#include <librdkafka/rdkafka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kafka_sink {
	struct eve_sink base;
	struct eve_kafka_config cfg;
	rd_kafka_t *rk;
	rd_kafka_topic_t *topic;
	bool error_said;
};

/* A message's fate (on the thread that polls). */
static void delivery_report(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	(void)rk;
	struct kafka_sink *k = opaque;
	if (m->err)
		eve_file_failure(k->base.file, EIO,
				 "%s: delivery failed: %s; events not delivered "
				 "are counted lost",
				 k->base.describe, rd_kafka_err2str(m->err));
	eve_file_account(k->base.file, m->payload, m->len, m->err == RD_KAFKA_RESP_ERR_NO_ERROR);
}

/* librdkafka's own errors (brokers down): said once; it retries by itself. */
static void client_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	(void)rk;
	struct kafka_sink *k = opaque;
	if (k->error_said && err != RD_KAFKA_RESP_ERR__FATAL)
		return;
	k->error_said = true;
	fprintf(stderr, "vigil: %s: %s (retrying; events are queued up to %u)\n", k->base.describe,
		reason, k->cfg.backlog);
}

/* librdkafka's log lines repeat what client_error() says once. */
static void client_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	(void)level;
	(void)fac;
	(void)buf;
}

static void kafka_write(struct eve_sink *s, const char *line, size_t len)
{
	struct kafka_sink *k = (struct kafka_sink *)s;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (rd_kafka_produce(k->topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
				     (void *)line, len, NULL, 0, NULL) == 0)
			return;
		rd_kafka_resp_err_t err = rd_kafka_last_error();
		if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || attempt) {
			eve_file_failure(s->file,
					 err == RD_KAFKA_RESP_ERR__QUEUE_FULL ? ENOBUFS : EIO,
					 "%s: cannot queue an event: %s; such events are counted "
					 "lost",
					 s->describe, rd_kafka_err2str(err));
			break;
		}
		rd_kafka_poll(k->rk, 0); /* serve reports: room may come free */
	}
	eve_file_account(s->file, line, len, false);
}

static void kafka_flush(struct eve_sink *s)
{
	rd_kafka_poll(((struct kafka_sink *)s)->rk, 0);
}

static void kafka_close(struct eve_sink *s)
{
	struct kafka_sink *k = (struct kafka_sink *)s;
	if (rd_kafka_flush(k->rk, (int)k->cfg.flush_timeout_ms) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		int left = rd_kafka_outq_len(k->rk);
		fprintf(stderr, "vigil: %s: %d events not delivered within %u s are counted lost\n",
			s->describe, left, k->cfg.flush_timeout_ms / 1000);
		rd_kafka_purge(k->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
		rd_kafka_flush(k->rk, 1000); /* serves the purged messages' reports */
	}
	rd_kafka_topic_destroy(k->topic);
	rd_kafka_destroy(k->rk);
	free(k);
}

static const struct eve_sink_ops kafka_ops = {
    .write = kafka_write,
    .flush = kafka_flush,
    .close = kafka_close,
};

static bool set(rd_kafka_conf_t *conf, const char *name, const char *value, const char *key,
		char *err, size_t errlen)
{
	char why[256];
	if (rd_kafka_conf_set(conf, name, value, why, sizeof(why)) == RD_KAFKA_CONF_OK)
		return true;
	snprintf(err, errlen, "config: outputs.eve-log.kafka.%s: bad value '%s' (%s)", key, value,
		 why);
	return false;
}

struct eve_sink *eve_kafka_open(const struct eve_kafka_config *c, struct eve_file *f, char *err,
				size_t errlen)
{
	struct kafka_sink *k = calloc(1, sizeof(*k));
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	if (!k || !conf) {
		free(k);
		if (conf)
			rd_kafka_conf_destroy(conf);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	k->base.ops = &kafka_ops;
	k->base.file = f;
	k->cfg = *c;
	snprintf(k->base.describe, sizeof(k->base.describe), "kafka %s (topic %s)", c->brokers,
		 c->topic);
	char backlog[24];
	snprintf(backlog, sizeof(backlog), "%u", c->backlog);
	if (!set(conf, "bootstrap.servers", c->brokers, "brokers", err, errlen) ||
	    !set(conf, "compression.codec", c->compression, "compression", err, errlen) ||
	    !set(conf, "acks", c->acks, "acks", err, errlen) ||
	    !set(conf, "enable.idempotence", c->idempotence ? "true" : "false", "idempotence", err,
		 errlen) ||
	    !set(conf, "queue.buffering.max.messages", backlog, "backlog", err, errlen) ||
	    !set(conf, "linger.ms", "5", "linger", err, errlen)) {
		rd_kafka_conf_destroy(conf);
		free(k);
		return NULL;
	}
	rd_kafka_conf_set_opaque(conf, k);
	rd_kafka_conf_set_dr_msg_cb(conf, delivery_report);
	rd_kafka_conf_set_error_cb(conf, client_error);
	rd_kafka_conf_set_log_cb(conf, client_log);
	char why[512];
	k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	if (!k->rk) {
		snprintf(err, errlen, "%s: cannot start the producer: %s", k->base.describe, why);
		rd_kafka_conf_destroy(conf);
		free(k);
		return NULL;
	}
	k->topic = rd_kafka_topic_new(k->rk, c->topic, NULL);
	if (!k->topic) {
		snprintf(err, errlen, "%s: topic: %s", k->base.describe,
			 rd_kafka_err2str(rd_kafka_last_error()));
		rd_kafka_destroy(k->rk);
		free(k);
		return NULL;
	}
	return &k->base;
}
