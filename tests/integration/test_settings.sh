# Settings honesty: a stock suricata.yaml is accepted and every key vigil
# does not implement is reported once at start-up (a whole section as one
# line); keys vigil reads are not reported; a misspelt key is reported; a
# value that does not parse is an error naming the key.
. "$(dirname "$0")/lib.sh"
make_sample "$TMP/s.pcap"

# Built-in defaults alone: nothing to report.
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP" 2>"$TMP/e0" || fail "defaults run"
! grep -q "vigil: config:" "$TMP/e0" || { cat "$TMP/e0"; fail "the built-in defaults were reported"; }

# Bad values: an error naming the key, exit 1, nothing processed.
for kv in flow.memcap=lots stats.interval=soon stream.midstream=maybe \
	stream.reassembly.depth=deep af-packet.0.cluster-id=x; do
	rc=0
	"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP" --set "$kv" 2>"$TMP/e1" || rc=$?
	[ $rc = 1 ] || fail "--set $kv: exit $rc"
	grep -q "vigil: ${kv%%=*}: bad value '${kv#*=}'" "$TMP/e1" || { cat "$TMP/e1"; fail "--set $kv: key not named"; }
done
# Good values of the same keys pass.
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP" --set flow.memcap=64mb --set stats.interval=5 \
	--set stream.midstream=true --set stream.reassembly.depth=1mb 2>"$TMP/e2" || { cat "$TMP/e2"; fail "good values refused"; }
! grep -q "vigil: config:" "$TMP/e2" || { cat "$TMP/e2"; fail "good values reported"; }

# A misspelt key is reported, not fatal.
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP" --set flow.memcapp=64mb 2>"$TMP/e3" || fail "misspelt key fatal"
grep -q "vigil: config: flow.memcapp: not supported by vigil, ignored" "$TMP/e3" || { cat "$TMP/e3"; fail "misspelt key not reported"; }

# An output switched off asks for nothing; stats.log is written; one vigil
# does not write, switched on, is reported.
cat >"$TMP/out.yaml" <<'EOF2'
%YAML 1.1
---
outputs:
  - fast:
      enabled: no
      filename: fast.log
  - eve-log:
      enabled: yes
      filename: eve.json
  - stats:
      enabled: yes
      filename: stats.log
  - syslog:
      enabled: yes
EOF2
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP" -c "$TMP/out.yaml" 2>"$TMP/e4" || fail "-c out.yaml"
grep -q "outputs.3.syslog: output not written by vigil" "$TMP/e4" || { cat "$TMP/e4"; fail "syslog output not reported"; }
! grep -q "outputs.2.stats\|outputs.0.fast" "$TMP/e4" || fail "a written or disabled output was reported"
grep -q "^Date: " "$TMP/stats.log" || fail "stats.log not written"
[ ! -e "$TMP/fast.log" ] || fail "fast.log written while disabled"

# Suricata's shipped suricata.yaml.
stock="$SHARED_DIR/reference/suricata-ref.yaml"
[ -f "$stock" ] || skip "no stock suricata.yaml in ../shared/reference"
echo 'alert tcp any any -> any any (msg:"t"; flags:S; sid:1;)' >"$TMP/one.rules"
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP" -c "$stock" -S "$TMP/one.rules" 2>"$TMP/e5" || { tail "$TMP/e5"; fail "the stock suricata.yaml was refused"; }
grep "vigil: config: " "$TMP/e5" | grep -v "settings above" >"$TMP/reported"
for key in pcap-file threading "app-layer.protocols.telnet"; do
	grep -q "vigil: config: $key: " "$TMP/reported" || fail "$key not reported"
done
for key in "flow.memcap" "stream.memcap" "af-packet" "vars" "outputs.1.eve-log.filename" "app-layer.protocols.http:" \
	"outputs.0.fast" "outputs.7.stats" nfq unix-command; do
	! grep -q "vigil: config: $key" "$TMP/reported" || fail "$key (read by vigil) reported"
done
[ -z "$(sort "$TMP/reported" | uniq -d)" ] || fail "a key reported twice"
n=$(wc -l <"$TMP/reported")
grep -q "vigil: config: $n settings above are not supported" "$TMP/e5" || fail "count line"
echo ok
