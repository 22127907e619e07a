/*
 * capture — where packets enter vigil: capture files.
 *
 * A capture source is a list of files (one file, or every regular file of a
 * directory in name order) read one after another as a single stream, with
 * pcap_cnt numbering continuing across files as Suricata does.  Classic
 * pcap files of the common link types are read in large blocks by
 * pcap-file.c itself, exactly as libpcap would give them; pcapng and the
 * rest by libpcap.  Timestamps are always delivered in microseconds
 * (nanosecond files are converted).
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
	/* Live capture only (live = true): what the kernel (or libpcap) says
	 * it saw and dropped on all sockets of the run. */
	bool live;
	uint64_t kernel_packets, kernel_drops, kernel_ifdrops;
	/* Inline only: frames sent on (accepted) and dropped, and frames an
	 * AF_PACKET copy-mode handle could not send out of copy_iface. */
	uint64_t inline_accepted, inline_dropped, inline_send_failed;
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


/*
 * Live capture: one handle per worker thread.  AF_PACKET handles of one
 * run join one fanout group, so the kernel spreads flows over the workers
 * (hash of the flow, both directions to the same socket); a libpcap handle
 * stands alone.  A frame stays valid until the next capture_live_next()
 * on the same handle.  Timestamps are the kernel's (wall clock).
 */
enum capture_method { CAPTURE_AF_PACKET = 1, CAPTURE_PCAP, CAPTURE_NFQ };

/* What becomes of a frame read inline (NFQUEUE, AF_PACKET copy-mode). */
enum capture_verdict { CAPTURE_ACCEPT = 0, CAPTURE_DROP };

struct capture_live_config {
	enum capture_method method;
	char iface[64];
	char bpf[1024];        /* empty: no filter */
	bool promisc;          /* put the interface in promiscuous mode */
	uint16_t cluster_id;   /* AF_PACKET fanout group id */
	int cluster_type;      /* PACKET_FANOUT_* */
	bool defrag;           /* fanout defragments before hashing */
	bool use_mmap;         /* only the mmap'ed TPACKET_V3 ring is supported */
	uint32_t ring_size;    /* frames per ring */
	uint32_t block_size;   /* bytes per ring block (page multiple) */
	uint32_t block_timeout_ms;
	uint32_t snaplen;      /* libpcap */
	uint32_t buffer_size;  /* libpcap kernel buffer, bytes; 0 = default */
	/* Inline: every frame waits for capture_live_verdict().  NFQUEUE
	 * always; AF_PACKET with `copy-mode: ips`, which sends accepted
	 * frames out of copy_iface. */
	bool inline_mode;
	char copy_iface[64];
	uint16_t queue;        /* NFQUEUE number */
	bool fail_open;        /* NFQUEUE: the kernel accepts when the queue is full */
	uint32_t batch;        /* NFQUEUE: accept verdicts sent together (1 = each) */
	uint32_t queue_maxlen; /* NFQUEUE: packets the kernel queues; 0 = default */
};

struct capture_live;

/* Opens one handle (one socket of the fanout group for AF_PACKET); NULL
 * with a reason naming the interface in err. */
struct capture_live *capture_live_open(const struct capture_live_config *cfg, char *err,
				       size_t errlen);
/* 1 = frame, 0 = nothing within timeout_ms, -1 = the handle failed (the
 * reason was printed on stderr). */
int capture_live_next(struct capture_live *c, struct capture_frame *f, int timeout_ms);
/* Inline handles: the verdict on the frame last returned by
 * capture_live_next() (a frame left without one is accepted by the next
 * call).  No effect on a passive handle. */
void capture_live_verdict(struct capture_live *c, enum capture_verdict v);
/* Adds the kernel's counters since the last call to `st` (kernel_packets,
 * kernel_drops, packets, bytes).  Call from one thread only. */
void capture_live_stats(struct capture_live *c, struct capture_stats *st);
void capture_live_close(struct capture_live *c);
/* "cluster_flow" etc. (Suricata's names) to PACKET_FANOUT_*; -1 if unknown. */
int capture_cluster_type(const char *name);

#endif
