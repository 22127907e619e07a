/*
 * unix-socket — see unix-socket.h.
 *
 * A client's bytes are gathered in its buffer (at most UNIX_MAX_MSG) and
 * read as a stream of JSON values: suricatasc sends its version without a
 * newline and its commands with one, so values are cut where jansson ends
 * them, not at newlines.  A client that sends something that is not JSON,
 * or more than UNIX_MAX_MSG without completing a value, is answered NOK
 * and dropped; the others are not disturbed.  Answers are written whole
 * (blocking briefly if the client reads slowly).
 */
#include "engine/unix-socket.h"

#include <jansson.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define UNIX_MAX_CLIENTS 16
#define UNIX_MAX_MSG 65536

const char *const unix_socket_commands[] = {
    "shutdown",	   "command-list", "help",	  "version",	   "uptime",
    "running-mode", "capture-mode", "iface-list",  "iface-stat",   "reload-rules",
    "ruleset-reload-rules", "ruleset-stats", "dump-counters", NULL,
};

struct unix_client {
	int fd;
	bool greeted; /* the version message was accepted */
	char buf[UNIX_MAX_MSG];
	size_t len;
};

struct unix_socket {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	unix_command_fn run;
	void *arg;
	struct unix_client *clients[UNIX_MAX_CLIENTS];
};

/* A socket file nobody listens on any more is replaced; a live one not. */
static bool path_free(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return true;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "unix socket %s: exists and is not a socket", path);
		return false;
	}
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, path, strlen(path));
	bool live = probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	if (probe >= 0)
		close(probe);
	if (live) {
		snprintf(err, errlen, "unix socket %s: another process is listening on it", path);
		return false;
	}
	unlink(path);
	return true;
}

struct unix_socket *unix_socket_open(const char *path, unix_command_fn run, void *arg, char *err,
				     size_t errlen)
{
	struct unix_socket *u = calloc(1, sizeof(*u));
	if (!u) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (strlen(path) >= sizeof(u->path)) {
		snprintf(err, errlen, "unix socket %s: path too long (max %zu)", path,
			 sizeof(u->path) - 1);
		free(u);
		return NULL;
	}
	snprintf(u->path, sizeof(u->path), "%s", path);
	u->run = run;
	u->arg = arg;
	u->fd = -1;
	if (!path_free(path, err, errlen)) {
		free(u);
		return NULL;
	}
	u->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, path, strlen(path));
	mode_t old = umask(0117); /* owner and group may command the sensor */
	bool ok = u->fd >= 0 && bind(u->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		  listen(u->fd, 8) == 0;
	umask(old);
	if (!ok) {
		snprintf(err, errlen, "unix socket %s: %s", path, strerror(errno));
		if (u->fd >= 0)
			close(u->fd);
		free(u);
		return NULL;
	}
	return u;
}

static void client_drop(struct unix_socket *u, int i)
{
	close(u->clients[i]->fd);
	free(u->clients[i]);
	u->clients[i] = NULL;
}

/* Writes obj and a newline; false when the client is gone. */
static bool answer(struct unix_client *c, json_t *obj)
{
	char *text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (!text)
		return false;
	size_t n = strlen(text);
	text[n] = '\n'; /* json_dumps' terminator becomes the line end */
	size_t off = 0;
	bool ok = true;
	while (off < n + 1 && ok) {
		ssize_t w = send(c->fd, text + off, n + 1 - off, MSG_NOSIGNAL);
		if (w > 0) {
			off += (size_t)w;
		} else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd p = {.fd = c->fd, .events = POLLOUT};
			ok = poll(&p, 1, 1000) > 0;
		} else {
			ok = false;
		}
	}
	free(text);
	return ok;
}

static json_t *reply(bool ok, json_t *message)
{
	json_t *o = json_object();
	json_object_set_new(o, "return", json_string(ok ? "OK" : "NOK"));
	if (message)
		json_object_set_new(o, "message", message);
	return o;
}

static bool handle_version(struct unix_client *c, json_t *msg)
{
	const char *v = json_string_value(json_object_get(msg, "version"));
	if (!v || (strcmp(v, "0.1") != 0 && strcmp(v, "0.2") != 0)) {
		answer(c, reply(false, json_string("unsupported protocol version (0.1 or 0.2)")));
		return false;
	}
	c->greeted = true;
	return answer(c, reply(true, NULL));
}

const char *unix_arg(const struct unix_args *a, const char *key)
{
	for (unsigned i = 0; i < a->n; i++)
		if (strcmp(a->key[i], key) == 0)
			return a->value[i];
	return NULL;
}

static bool handle_command(struct unix_socket *u, struct unix_client *c, json_t *msg)
{
	const char *cmd = json_string_value(json_object_get(msg, "command"));
	if (!cmd)
		return answer(c, reply(false, json_string("no command")));
	struct unix_args args = {0};
	char numbers[UNIX_MAX_ARGS][32];
	const char *key;
	json_t *v;
	json_t *obj = json_object_get(msg, "arguments");
	if (json_is_object(obj)) {
		json_object_foreach(obj, key, v)
		{
			if (args.n == UNIX_MAX_ARGS)
				break;
			const char *val = json_string_value(v);
			if (!val && json_is_integer(v)) {
				snprintf(numbers[args.n], sizeof(numbers[0]), "%lld",
					 (long long)json_integer_value(v));
				val = numbers[args.n];
			}
			if (!val && json_is_boolean(v))
				val = json_is_true(v) ? "true" : "false";
			if (val) {
				args.key[args.n] = key;
				args.value[args.n++] = val;
			}
		}
	}
	char *text = NULL;
	bool ok = u->run(u->arg, cmd, &args, &text);
	json_error_t jerr;
	json_t *message = text ? json_loads(text, JSON_DECODE_ANY, &jerr) : NULL;
	free(text);
	if (!message) {
		ok = false;
		message = json_string("internal error: the answer could not be built");
	}
	return answer(c, reply(ok, message));
}

/* Answers every complete JSON value in the client's buffer; false when
 * the client is to be dropped. */
static bool client_process(struct unix_socket *u, struct unix_client *c)
{
	for (;;) {
		size_t skip = 0;
		while (skip < c->len && strchr(" \t\r\n", c->buf[skip]))
			skip++;
		memmove(c->buf, c->buf + skip, c->len - skip);
		c->len -= skip;
		if (c->len == 0)
			return true;
		json_error_t jerr;
		json_t *msg = json_loadb(c->buf, c->len, JSON_DISABLE_EOF_CHECK, &jerr);
		if (!msg) {
			if (jerr.position >= (int)c->len && c->len < sizeof(c->buf))
				return true; /* incomplete: wait for more */
			answer(c, reply(false, json_string("bad JSON message")));
			return false;
		}
		size_t used = (size_t)jerr.position;
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
		bool keep = json_is_object(msg) && (c->greeted ? handle_command(u, c, msg)
							       : handle_version(c, msg));
		json_decref(msg);
		if (!keep)
			return false;
	}
}

static void accept_clients(struct unix_socket *u)
{
	for (;;) {
		int fd = accept4(u->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		int i = 0;
		while (i < UNIX_MAX_CLIENTS && u->clients[i])
			i++;
		struct unix_client *c = i < UNIX_MAX_CLIENTS ? calloc(1, sizeof(*c)) : NULL;
		if (!c) {
			close(fd); /* too many clients at once */
			continue;
		}
		c->fd = fd;
		u->clients[i] = c;
	}
}

void unix_socket_poll(struct unix_socket *u)
{
	if (!u)
		return;
	accept_clients(u);
	for (int i = 0; i < UNIX_MAX_CLIENTS; i++) {
		struct unix_client *c = u->clients[i];
		if (!c)
			continue;
		ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			client_drop(u, i);
			continue;
		}
		if (n > 0)
			c->len += (size_t)n;
		if (u->clients[i] && !client_process(u, c))
			client_drop(u, i);
	}
}

void unix_socket_close(struct unix_socket *u)
{
	if (!u)
		return;
	for (int i = 0; i < UNIX_MAX_CLIENTS; i++)
		if (u->clients[i])
			client_drop(u, i);
	close(u->fd);
	unlink(u->path);
	free(u);
}
