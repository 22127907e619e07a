/*
 * unix-socket — the command socket (`unix-command:` in the config,
 * --unix-socket), speaking Suricata's JSON protocol so its `suricatasc`
 * client works: the client says {"version": "0.1"|"0.2"}, is answered
 * {"return": "OK"}, then sends {"command": NAME, "arguments": {...}} and
 * gets {"return": "OK"|"NOK", "message": ...}, each answer ending with a
 * newline.
 *
 * This file owns the socket, its clients and the framing; what each
 * command does is the engine's (the `run` callback), so the socket never
 * reaches into the pipeline.  Everything happens on the calling thread
 * (the live run's main thread), between its waits.
 */
#ifndef VIGIL_ENGINE_UNIX_SOCKET_H
#define VIGIL_ENGINE_UNIX_SOCKET_H

#include <stdbool.h>
#include <stddef.h>

struct unix_socket;

/* A command's arguments: its string (or number, as text) values by name. */
#define UNIX_MAX_ARGS 8
struct unix_args {
	unsigned n;
	const char *key[UNIX_MAX_ARGS], *value[UNIX_MAX_ARGS];
};
/* The value of argument `key`, or NULL. */
const char *unix_arg(const struct unix_args *a, const char *key);

/* Runs `command`: returns true (OK) or false (NOK) with *message set to
 * the answer's "message" as JSON text (malloc'ed; the socket frees it).
 * (JSON text, so the engine keeps to its own JSON writer.) */
typedef bool (*unix_command_fn)(void *arg, const char *command, const struct unix_args *args,
				char **message);

/* Creates the socket at path (a stale socket file left by a dead process
 * is replaced; a live one is refused).  NULL with a reason in err. */
struct unix_socket *unix_socket_open(const char *path, unix_command_fn run, void *arg, char *err,
				     size_t errlen);
/* Accepts clients and answers what they sent, without blocking. */
void unix_socket_poll(struct unix_socket *u);
/* Closes every client and removes the socket file. */
void unix_socket_close(struct unix_socket *u);

/* The names run() answers to (command-list). */
extern const char *const unix_socket_commands[];

#endif
