/*
 * defaults — vigil's built-in configuration, used when no -c is given and
 * underneath any -c file.  It has the layout of Suricata's shipped
 * suricata.yaml for the settings vigil reads, so `--set` paths written for
 * Suricata (e.g. outputs.1.eve-log.types.2.anomaly.types.stream=yes) land
 * on the same keys.  Entries vigil does not act on yet keep their place in
 * the lists for that reason and are marked so.
 */
#include "engine/engine.h"

static const char default_yaml[] =
	"stats:\n"
	"  enabled: yes\n"
	"  interval: 8\n"
	"outputs:\n"
	"  - fast:\n" /* off by default; keeps eve-log at index 1 */
	"      enabled: no\n"
	"      filename: fast.log\n"
	"  - eve-log:\n"
	"      enabled: yes\n"
	"      filetype: regular\n"
	"      filename: eve.json\n"
	"      pcap-file: false\n"
	"      community-id: false\n"
	"      ethernet: no\n"
	"      types:\n"
	"        - alert:\n"
	"            tagged-packets: yes\n"
	"        - frame:\n"
	"            enabled: no\n"
	"        - anomaly:\n"
	"            enabled: yes\n"
	"            types:\n"
	"              decode: no\n"
	"              stream: no\n"
	"              applayer: yes\n"
	"        - http:\n"
	"            extended: yes\n"
	"        - dns\n"
	"        - tls:\n"
	"            extended: yes\n"
	"        - files:\n"
	"            force-magic: no\n"
	"        - smtp\n"
	"        - ftp\n"
	"        - rdp\n"
	"        - nfs\n"
	"        - smb\n"
	"        - tftp\n"
	"        - ike\n"
	"        - dcerpc\n"
	"        - krb5\n"
	"        - bittorrent-dht\n"
	"        - snmp\n"
	"        - rfb\n"
	"        - sip\n"
	"        - quic\n"
	"        - dhcp\n"
	"        - ssh\n"
	"        - mqtt\n"
	"        - http2\n"
	"        - pop3\n"
	"        - pgsql\n"
	/* vigil's own: the industrial protocols Suricata parses with its
	 * parsers off by default (commented out in its file), then the
	 * industrial, clinical and mining ones it has no parser for */
	"        - dnp3\n"
	"        - modbus\n"
	"        - enip\n"
	"        - hl7\n"
	"        - dicom\n"
	"        - stratum\n"
	"        - bacnet\n"
	"        - iec104\n"
	"        - s7comm\n"
	/* IEC 61850: MMS, and GOOSE frames (link layer; log-all: every
	 * frame, not only new publishers, state changes and anomalies) */
	"        - mms\n"
	"        - goose:\n"
	"            log-all: no\n"
	"        - stats:\n"
	"            totals: yes\n"
	"            threads: no\n"
	"            deltas: no\n"
	"        - flow\n"
	"  - sqlite:\n" /* vigil's event store, filled from eve.json */
	"      enabled: yes\n"
	"      filename: vigil.db\n"
	"flow:\n"
	"  memcap: 128mb\n"
	"  hash-size: 65536\n"
	"  emergency-recovery: 30\n"
	"defrag:\n"
	"  memcap: 32mb\n"
	"  timeout: 60\n"
	"host-os-policy:\n"
	"  windows: [0.0.0.0/0]\n"
	"  linux: [10.0.0.0/8, 192.168.1.100, \"8762:2352:6241:7245:E000:0000:0000:0000\"]\n"
	"  solaris: [\"::1\"]\n"
	"stream:\n"
	"  memcap: 64mb\n"
	"  midstream: false\n"
	"  async-oneside: false\n"
	"  reassembly:\n"
	"    memcap: 256mb\n"
	"    depth: 1mb\n";

const char *engine_default_config(void)
{
	return default_yaml;
}
