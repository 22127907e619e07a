/*
 * capture — where packets enter vigil: capture files read with libpcap.
 *
 * A capture source is a list of files (one file, or every regular file of a
 * directory in name order) read one after another as a single stream, with
 * pcap_cnt numbering continuing across files as Suricata does.  pcap and
 * pcapng are both read by libpcap; timestamps are always delivered in
 * microseconds (nanosecond files are converted by libpcap).
 *
 * A file that cannot be opened, has an unsupported link type, or ends in a
 * truncated record is reported on stderr with its name (and the packet
 * number for truncation), counted, and skipped; the next file is read.
 */
#ifndef VIGIL_CAPTURE_H
#define VIGIL_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture;

struct capture_frame {
	const uint8_t *data; /* valid until the next capture_next() */
	uint32_t caplen, wirelen;
	int64_t ts_sec;
	uint32_t ts_usec;
	int linktype;
	uint32_t file_index;
	uint64_t pcap_cnt; /* 1-based, continuous over all files */
};

struct capture_stats {
	uint32_t files_total, files_read, files_failed;
	uint64_t packets, bytes;
	uint64_t truncated_records; /* files that ended inside a record */
	uint64_t unsupported_linktype_files;
	uint32_t files_empty; /* read, but gave no packets (reported with the reason) */
	uint64_t input_bytes_total; /* sum of file sizes, for progress */
	uint64_t input_bytes_done;
};

/* Validates the link type of a file before decoding it. */
typedef bool (*capture_linktype_ok_fn)(int linktype);

/* Opens `path` (a file or a directory).  Returns NULL with a message in
 * err when the path does not exist, is unreadable, or a directory holds
 * no files. */
struct capture *capture_open(const char *path, capture_linktype_ok_fn ok, char *err, size_t errlen);

/* Next frame: 1 = frame, 0 = end of all input. Errors in a file are
 * reported and the reader moves on to the next file. */
int capture_next(struct capture *c, struct capture_frame *f);

/* Name of input file number i (for EVE pcap_filename). */
const char *capture_file_name(const struct capture *c, uint32_t i);

/*
 * Exercise marker.  `vigil scenario write NAME -o F.pcap` writes, beside
 * the capture, F.exercise holding the line "vigil-exercise NAME": the
 * traffic is vigil's own synthetic traffic, never real.  When any input
 * file has such a marker (F.exercise, for F.pcap, F.pcapng or F), this
 * returns the scenario name (the first found), and the sensor writes
 * "exercise": NAME in every EVE event of the run; the store keeps it and
 * the briefing leaves those events out unless asked (--include-exercise).
 * Marker files in an input directory are not read as captures.  NULL when
 * no input is marked.
 */
const char *capture_exercise(const struct capture *c);
/* The marker path for a capture path: F.pcap / F.pcapng / F → F.exercise. */
void capture_exercise_path(const char *capture_path, char *out, size_t outlen);

/* Current position in bytes over all files, for progress reporting. */
uint64_t capture_position(const struct capture *c);

const struct capture_stats *capture_get_stats(struct capture *c);
void capture_close(struct capture *c);

#endif
