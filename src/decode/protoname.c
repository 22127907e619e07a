/*
 * protoname — IP protocol numbers as the names EVE prints in `proto`.
 *
 * The names are the keywords of the IANA "Assigned Internet Protocol
 * Numbers" registry as Suricata displays them ("IP-in-IP" for 4, "OSPF"
 * for 89, "Any" for the numbers IANA reserves for any host-internal,
 * local-network, file-system, private-encryption or 0-hop protocol).
 * Numbers past 143 print as the number.  Pure lookup: no state, and the
 * caller's buffer is only written for a number.
 */
#include <stdio.h>

#include "decode/decode.h"

static const char *const proto_names[144] = {
	"HOPOPT", "ICMP", "IGMP", "GGP", "IP-in-IP", "ST", "TCP", "CBT", "EGP", "IGP",
	"BBN-RCC-MON", "NVP-II", "PUP", "ARGUS", "EMCON", "XNET", "CHAOS", "UDP", "MUX",
	"DCN-MEAS", "HMP", "PRM", "XNS-IDP", "TRUNK-1", "TRUNK-2", "LEAF-1", "LEAF-2", "RDP",
	"IRTP", "ISO-TP4", "NETBLT", "MFE-NSP", "MERIT-INP", "DCCP", "3PC", "IDPR", "XTP",
	"DDP", "IDPR-CMTP", "TP++", "IL", "IPv6", "SDRP", "IPv6-Route", "IPv6-Frag", "IDRP",
	"RSVP", "GRE", "DSR", "BNA", "ESP", "AH", "I-NLSP", "SwIPe", "NARP", "MOBILE", "TLSP",
	"SKIP", "IPv6-ICMP", "IPv6-NoNxt", "IPv6-Opts", "Any", "CFTP", "Any", "SAT-EXPAK",
	"KRYPTOLAN", "RVD", "IPPC", "Any", "SAT-MON", "VISA", "IPCU", "CPNX", "CPHB", "WSN",
	"PVP", "BR-SAT-MON", "SUN-ND", "WB-MON", "WB-EXPAK", "ISO-IP", "VMTP", "SECURE-VMTP",
	"VINES", "TTP", "NSFNET-IGP", "DGP", "TCF", "EIGRP", "OSPF", "Sprite-RPC", "LARP",
	"MTP", "AX.25", "OS", "MICP", "SCC-SP", "ETHERIP", "ENCAP", "Any", "GMTP", "IFMP",
	"PNNI", "PIM", "ARIS", "SCPS", "QNX", "A/N", "IPComp", "SNP", "Compaq-Peer",
	"IPX-in-IP", "VRRP", "PGM", "Any", "L2TP", "DDX", "IATP", "STP", "SRP", "UTI", "SMP",
	"SM", "PTP", "IS-IS", "FIRE", "CRTP", "CRUDP", "SSCOPMCE", "IPLT", "SPS", "PIPE",
	"SCTP", "FC", "RSVP-E2E-IGNORE", "Mobility", "UDPLite", "MPLS-in-IP", "manet", "HIP",
	"Shim6", "WESP", "ROHC", "Ethernet",
};

const char *decode_proto_name(uint8_t proto, char buf[8])
{
	if (proto < sizeof(proto_names) / sizeof(proto_names[0]))
		return proto_names[proto];
	snprintf(buf, 8, "%u", (unsigned)proto);
	return buf;
}
