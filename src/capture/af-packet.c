/*
 * af-packet — live capture on Linux through an AF_PACKET socket with a
 * memory-mapped TPACKET_V3 ring; see capture.h.
 *
 * Each handle is one socket bound to one interface, with its own ring of
 * `block_size`-byte blocks that the kernel fills with packets and hands
 * over whole (or when block_timeout_ms passes).  The sockets of one run
 * share a fanout group (cluster_id), so the kernel splits the traffic by
 * flow hash and each worker sees whole conversations.  A block is given
 * back to the kernel only when its last packet has been processed, so a
 * frame's bytes are read in place with no copy — except when the kernel
 * stripped a VLAN tag into the packet's metadata: then the tag is put back
 * between the MAC addresses and the header, in a per-handle buffer, so the
 * decoder sees the frame as it was on the wire.
 *
 * With `copy-mode: ips` the handle is inline, as Suricata's af-packet IPS
 * mode: each frame waits for its verdict, and an accepted frame is sent,
 * unchanged (VLAN tag included), out of `copy_iface` through a second
 * AF_PACKET socket; a dropped one is not.  The capture socket ignores
 * frames going out of its own interface (PACKET_IGNORE_OUTGOING), so what
 * the peer handle sends out of it is not read back.  The frame is sent
 * before its block is given back to the kernel, so no copy is made.
 *
 * The BPF filter is compiled by libpcap (for Ethernet) and attached before
 * the socket is bound, so no unfiltered packet reaches the ring.  A packet
 * longer than what a block can hold arrives truncated (caplen < wirelen).
 */
#include "capture/capture.h"
#include "capture/live-backends.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

struct capture_live_afp {
	int fd;
	uint8_t *ring;
	size_t ring_len;
	uint32_t block_size, block_nr;
	uint32_t block;     /* index of the block being read */
	uint32_t left;      /* packets of that block not yet handed out */
	struct tpacket3_hdr *next;
	bool holding;       /* the current block is ours until it is released */
	uint64_t packets, bytes; /* written by the worker, read atomically */
	uint64_t kernel_packets, kernel_drops; /* stats reader only */
	uint8_t *vlan_buf;  /* a frame with its VLAN tag put back */
	char iface[64];
	/* copy-mode ips */
	int tx_fd;          /* -1 when passive */
	const uint8_t *cur; /* the frame awaiting its verdict */
	uint32_t cur_len;
	bool owed;
	uint64_t accepted, dropped, send_failed;
	char copy_iface[64];
};

/* Suricata's cluster-type names. */
int capture_cluster_type(const char *name)
{
	static const struct {
		const char *name;
		int type;
	} types[] = {
	    {"cluster_flow", PACKET_FANOUT_HASH}, {"cluster_cpu", PACKET_FANOUT_CPU},
	    {"cluster_qm", PACKET_FANOUT_QM},     {"cluster_rollover", PACKET_FANOUT_ROLLOVER},
	    {"cluster_random", PACKET_FANOUT_RND}, {"cluster_lb", PACKET_FANOUT_LB},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(name, types[i].name) == 0)
			return types[i].type;
	return -1;
}

static bool attach_bpf(int fd, const char *iface, const char *filter, char *err, size_t errlen)
{
	struct bpf_program prog;
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (!dead) {
		snprintf(err, errlen, "%s: out of memory compiling the BPF filter", iface);
		return false;
	}
	if (pcap_compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "%s: bad BPF filter '%s': %s", iface, filter,
			 pcap_geterr(dead));
		pcap_close(dead);
		return false;
	}
	pcap_close(dead);
	struct sock_fprog fp = {.len = (unsigned short)prog.bf_len,
				.filter = (struct sock_filter *)prog.bf_insns};
	int rc = setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp));
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot attach the BPF filter: %s", iface, strerror(errno));
		return false;
	}
	return true;
}

/* Only Ethernet-framed interfaces (Ethernet, veth, loopback) for now. */
static bool check_link(int fd, const char *iface, char *err, size_t errlen)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, iface, strnlen(iface, IFNAMSIZ - 1));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
		snprintf(err, errlen, "%s: %s", iface, strerror(errno));
		return false;
	}
	int t = ifr.ifr_hwaddr.sa_family;
	if (t != ARPHRD_ETHER && t != ARPHRD_LOOPBACK) {
		snprintf(err, errlen, "%s: link type ARPHRD %d is not supported by af-packet (Ethernet only); try --pcap",
			 iface, t);
		return false;
	}
	return true;
}

static bool setup_ring(struct capture_live_afp *a, const struct capture_live_config *cfg,
		       char *err, size_t errlen)
{
	int v = TPACKET_V3;
	if (setsockopt(a->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) != 0) {
		snprintf(err, errlen, "%s: TPACKET_V3 not available: %s", cfg->iface, strerror(errno));
		return false;
	}
	long page = sysconf(_SC_PAGESIZE);
	uint32_t bs = cfg->block_size ? cfg->block_size : 1u << 17;
	if (page > 0 && bs % (uint32_t)page) {
		snprintf(err, errlen, "af-packet block-size %u is not a multiple of the page size %ld",
			 bs, page);
		return false;
	}
	const uint32_t frame = 2048; /* V3 packs packets; this only sizes the ring */
	uint64_t bytes = (uint64_t)(cfg->ring_size ? cfg->ring_size : 2048) * frame;
	uint32_t nr = (uint32_t)((bytes + bs - 1) / bs);
	if (nr < 2)
		nr = 2;
	struct tpacket_req3 req = {
	    .tp_block_size = bs,
	    .tp_block_nr = nr,
	    .tp_frame_size = frame,
	    .tp_frame_nr = (bs / frame) * nr,
	    .tp_retire_blk_tov = cfg->block_timeout_ms ? cfg->block_timeout_ms : 10,
	    .tp_feature_req_word = TP_FT_REQ_FILL_RXHASH,
	};
	if (setsockopt(a->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) != 0) {
		snprintf(err, errlen, "%s: cannot set up a ring of %u blocks of %u bytes: %s",
			 cfg->iface, nr, bs, strerror(errno));
		return false;
	}
	a->ring_len = (size_t)bs * nr;
	a->ring = mmap(NULL, a->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, a->fd, 0);
	if (a->ring == MAP_FAILED) {
		a->ring = NULL;
		snprintf(err, errlen, "%s: cannot map the ring: %s", cfg->iface, strerror(errno));
		return false;
	}
	a->block_size = bs;
	a->block_nr = nr;
	a->vlan_buf = malloc(bs + 8);
	if (!a->vlan_buf) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

static bool bind_and_join(struct capture_live_afp *a, const struct capture_live_config *cfg,
			  char *err, size_t errlen)
{
	unsigned idx = if_nametoindex(cfg->iface);
	if (idx == 0) {
		snprintf(err, errlen, "%s: no such interface", cfg->iface);
		return false;
	}
	if (cfg->promisc) {
		struct packet_mreq mr = {.mr_ifindex = (int)idx, .mr_type = PACKET_MR_PROMISC};
		if (setsockopt(a->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) != 0) {
			snprintf(err, errlen, "%s: cannot set promiscuous mode: %s", cfg->iface,
				 strerror(errno));
			return false;
		}
	}
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = (int)idx};
	if (bind(a->fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		snprintf(err, errlen, "%s: cannot bind: %s", cfg->iface, strerror(errno));
		return false;
	}
	uint32_t type = cfg->cluster_type >= 0 ? (uint32_t)cfg->cluster_type : PACKET_FANOUT_HASH;
	/* The group id in the low 16 bits, type and flags in the high ones. */
	uint32_t arg = cfg->cluster_id | (type << 16);
	if (cfg->defrag)
		arg |= (uint32_t)PACKET_FANOUT_FLAG_DEFRAG << 16;
	if (setsockopt(a->fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) != 0) {
		snprintf(err, errlen, "%s: cannot join fanout group %u: %s", cfg->iface,
			 cfg->cluster_id, strerror(errno));
		return false;
	}
	return true;
}

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/* copy-mode ips: the socket accepted frames leave by. */
static bool open_copy_iface(struct capture_live_afp *a, const struct capture_live_config *cfg,
			    char *err, size_t errlen)
{
	int one = 1;
	if (setsockopt(a->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) != 0) {
		snprintf(err, errlen, "%s: copy-mode ips needs PACKET_IGNORE_OUTGOING (Linux 4.20): %s",
			 cfg->iface, strerror(errno));
		return false;
	}
	unsigned idx = if_nametoindex(cfg->copy_iface);
	if (idx == 0) {
		snprintf(err, errlen, "%s: copy-iface %s: no such interface", cfg->iface,
			 cfg->copy_iface);
		return false;
	}
	a->tx_fd = socket(AF_PACKET, SOCK_RAW, 0);
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = (int)idx};
	if (a->tx_fd < 0 || bind(a->tx_fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		snprintf(err, errlen, "%s: cannot open copy-iface %s: %s", cfg->iface,
			 cfg->copy_iface, strerror(errno));
		return false;
	}
	snprintf(a->copy_iface, sizeof(a->copy_iface), "%s", cfg->copy_iface);
	return true;
}

void capture_afp_verdict(struct capture_live_afp *a, enum capture_verdict v)
{
	if (!a->owed)
		return;
	a->owed = false;
	if (v == CAPTURE_DROP) {
		__atomic_store_n(&a->dropped, a->dropped + 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_store_n(&a->accepted, a->accepted + 1, __ATOMIC_RELAXED);
	if (send(a->tx_fd, a->cur, a->cur_len, 0) != (ssize_t)a->cur_len) {
		if (a->send_failed == 0)
			fprintf(stderr, "vigil: %s: cannot send a frame of %u bytes out of %s: %s (counted; further failures are not reported one by one)\n",
				a->iface, a->cur_len, a->copy_iface, strerror(errno));
		__atomic_store_n(&a->send_failed, a->send_failed + 1, __ATOMIC_RELAXED);
	}
}

struct capture_live_afp *capture_afp_open(const struct capture_live_config *cfg, char *err,
					  size_t errlen)
{
	struct capture_live_afp *a = calloc(1, sizeof(*a));
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(a->iface, sizeof(a->iface), "%s", cfg->iface);
	a->tx_fd = -1;
	if (strlen(cfg->iface) >= IFNAMSIZ) {
		snprintf(err, errlen, "%s: interface name too long", cfg->iface);
		free(a);
		return NULL;
	}
	/* Protocol 0: nothing arrives before the filter, ring and bind are set. */
	a->fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (a->fd < 0) {
		snprintf(err, errlen, "%s: cannot open an AF_PACKET socket: %s%s", cfg->iface,
			 strerror(errno), errno == EPERM ? " (needs CAP_NET_RAW)" : "");
		free(a);
		return NULL;
	}
	bool ok = check_link(a->fd, cfg->iface, err, errlen) &&
		  (!cfg->bpf[0] || attach_bpf(a->fd, cfg->iface, cfg->bpf, err, errlen)) &&
		  setup_ring(a, cfg, err, errlen) &&
		  (!cfg->inline_mode || open_copy_iface(a, cfg, err, errlen)) &&
		  bind_and_join(a, cfg, err, errlen);
	if (!ok) {
		capture_afp_close(a);
		return NULL;
	}
	return a;
}

static struct tpacket_block_desc *block_at(struct capture_live_afp *a, uint32_t i)
{
	return (struct tpacket_block_desc *)(a->ring + (size_t)i * a->block_size);
}

static void release_block(struct capture_live_afp *a)
{
	if (!a->holding)
		return;
	struct tpacket_block_desc *bd = block_at(a, a->block);
	__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	a->holding = false;
	a->block = (a->block + 1) % a->block_nr;
}

/* Takes the next block if the kernel has handed it over. */
static bool take_block(struct capture_live_afp *a)
{
	struct tpacket_block_desc *bd = block_at(a, a->block);
	uint32_t st = __atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
	if (!(st & TP_STATUS_USER))
		return false;
	a->holding = true;
	a->left = bd->hdr.bh1.num_pkts;
	a->next = (struct tpacket3_hdr *)((uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt);
	if (a->left == 0)
		release_block(a);
	return true;
}

static void fill_frame(struct capture_live_afp *a, struct tpacket3_hdr *h, struct capture_frame *f)
{
	const uint8_t *data = (const uint8_t *)h + h->tp_mac;
	uint32_t caplen = h->tp_snaplen, wirelen = h->tp_len;
	if ((h->tp_status & TP_STATUS_VLAN_VALID) && caplen >= 12) {
		/* The kernel took the outer tag off: put it back after the MACs. */
		uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) && h->hv1.tp_vlan_tpid
				    ? h->hv1.tp_vlan_tpid
				    : ETH_P_8021Q;
		uint16_t tag[2] = {htons(tpid), htons((uint16_t)h->hv1.tp_vlan_tci)};
		uint32_t n = caplen > a->block_size ? a->block_size : caplen;
		memcpy(a->vlan_buf, data, 12);
		memcpy(a->vlan_buf + 12, tag, 4);
		memcpy(a->vlan_buf + 16, data + 12, n - 12);
		data = a->vlan_buf;
		caplen = n + 4;
		wirelen += 4;
	}
	f->data = data;
	f->caplen = caplen;
	f->wirelen = wirelen;
	f->ts_sec = h->tp_sec;
	f->ts_usec = h->tp_nsec / 1000;
	f->linktype = DLT_EN10MB;
	f->file_index = 0;
	uint64_t n = a->packets + 1;
	__atomic_store_n(&a->packets, n, __ATOMIC_RELAXED);
	__atomic_store_n(&a->bytes, a->bytes + caplen, __ATOMIC_RELAXED);
	f->pcap_cnt = n;
	if (a->tx_fd >= 0) {
		a->cur = data;
		a->cur_len = caplen;
		a->owed = true;
	}
}

int capture_afp_next(struct capture_live_afp *a, struct capture_frame *f, int timeout_ms)
{
	capture_afp_verdict(a, CAPTURE_ACCEPT); /* one left without a verdict */
	for (int round = 0; round < 2; round++) {
		if (a->holding && a->left == 0)
			release_block(a);
		if (!a->holding && !take_block(a)) {
			if (round == 1)
				return 0;
			struct pollfd p = {.fd = a->fd, .events = POLLIN | POLLERR};
			int rc = poll(&p, 1, timeout_ms);
			if (rc < 0 && errno != EINTR) {
				fprintf(stderr, "vigil: %s: poll: %s\n", a->iface, strerror(errno));
				return -1;
			}
			if (rc > 0 && (p.revents & (POLLERR | POLLNVAL)) && !(p.revents & POLLIN)) {
				fprintf(stderr, "vigil: %s: the capture socket failed (interface down or removed)\n",
					a->iface);
				return -1;
			}
			continue;
		}
		if (!a->holding)
			continue; /* an empty block was given back */
		struct tpacket3_hdr *h = a->next;
		a->left--;
		a->next = (struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset);
		fill_frame(a, h, f);
		return 1;
	}
	return 0;
}

void capture_afp_stats(struct capture_live_afp *a, struct capture_stats *st)
{
	struct tpacket_stats_v3 ks;
	socklen_t len = sizeof(ks);
	memset(&ks, 0, sizeof(ks));
	/* The kernel resets these on every read; its tp_packets includes drops. */
	if (getsockopt(a->fd, SOL_PACKET, PACKET_STATISTICS, &ks, &len) == 0) {
		a->kernel_packets += ks.tp_packets;
		a->kernel_drops += ks.tp_drops;
	}
	st->kernel_packets += a->kernel_packets;
	st->kernel_drops += a->kernel_drops;
	st->packets += __atomic_load_n(&a->packets, __ATOMIC_RELAXED);
	st->bytes += __atomic_load_n(&a->bytes, __ATOMIC_RELAXED);
	st->inline_accepted += __atomic_load_n(&a->accepted, __ATOMIC_RELAXED);
	st->inline_dropped += __atomic_load_n(&a->dropped, __ATOMIC_RELAXED);
	st->inline_send_failed += __atomic_load_n(&a->send_failed, __ATOMIC_RELAXED);
}

void capture_afp_close(struct capture_live_afp *a)
{
	if (!a)
		return;
	if (a->ring)
		munmap(a->ring, a->ring_len);
	if (a->fd >= 0)
		close(a->fd);
	if (a->tx_fd >= 0)
		close(a->tx_fd);
	free(a->vlan_buf);
	free(a);
}
