#!/usr/bin/env bash
# Datasets and IP reputation on a capture: a `state` set written when the
# sensor ends is loaded by the next run (values seen before no longer
# alert); `save` goes under default-data-dir; absolute names are refused
# unless allowed; iprep scores addresses by the most specific entry.
. "$(dirname "$0")/lib.sh"
PCAP="$SHARED_DIR/conformance/suricata-verify/datajson/datajson-01-ip/input.pcap"
[ -f "$PCAP" ] || skip "../shared absent: datasets/iprep test skipped"
# www.testmyids.com, 10.16.1.11 -> 82.165.177.154, one HTTP request
cat >"$TMP/ds.rules" <<'EOF'
alert http any any -> any any (msg:"new host"; http.host; dataset:set,hosts-seen,type string,state hosts.lst; sid:1;)
alert http any any -> any any (msg:"new ua"; http.user_agent; dataset:set,ua-seen,type string,save ua.lst; sid:2;)
EOF
mkdir "$TMP/d1" "$TMP/d2" "$TMP/data"
cfg() { printf 'default-data-dir: %s\n' "$TMP/data" >"$TMP/ds.yaml"; }
cfg
"$VIGIL_BIN" -c "$TMP/ds.yaml" -S "$TMP/ds.rules" -r "$PCAP" -l "$TMP/d1" -k none 2>"$TMP/e1" || fail "run 1: $(cat "$TMP/e1")"
[ "$(count_events "$TMP/d1/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 1')" = 1 ] || fail "run 1: new host"
[ "$(count_events "$TMP/d1/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 2')" = 1 ] || fail "run 1: new ua"
[ "$(base64 -d "$TMP/data/hosts.lst")" = "www.testmyids.com" ] || fail "state file: $(cat "$TMP/data/hosts.lst")"
[ -s "$TMP/data/ua.lst" ] || fail "save file missing"
"$VIGIL_BIN" -c "$TMP/ds.yaml" -S "$TMP/ds.rules" -r "$PCAP" -l "$TMP/d2" -k none 2>"$TMP/e2" || fail "run 2: $(cat "$TMP/e2")"
# the state set remembers the host; the save-only set starts empty again
[ "$(count_events "$TMP/d2/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 1')" = 0 ] || fail "run 2: state not loaded"
[ "$(count_events "$TMP/d2/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 2')" = 1 ] || fail "run 2: save set"
# absolute save names need datasets.rules.allow-absolute-filenames
echo "alert http any any -> any any (http.host; dataset:set,x,type string,save $TMP/abs.lst; sid:3;)" >"$TMP/abs.rules"
mkdir "$TMP/d3" "$TMP/d4"
"$VIGIL_BIN" -S "$TMP/abs.rules" -r "$PCAP" -l "$TMP/d3" -k none 2>"$TMP/e3" || true
grep -q "absolute names and '..' are not allowed" "$TMP/e3" || fail "absolute save accepted: $(cat "$TMP/e3")"
printf 'datasets:\n  rules:\n    allow-absolute-filenames: true\n' >"$TMP/abs.yaml"
"$VIGIL_BIN" -c "$TMP/abs.yaml" -S "$TMP/abs.rules" -r "$PCAP" -l "$TMP/d4" -k none 2>"$TMP/e4" || fail "abs run: $(cat "$TMP/e4")"
[ -s "$TMP/abs.lst" ] || fail "absolute save not written"
# iprep: the host entry beats its /24
printf '1,BadHosts,Known bad hosts\n2,CnC,Command and control\n' >"$TMP/cat.txt"
printf '10.16.1.0/24,1,40\n10.16.1.11,1,20\n82.165.177.154,2,100\nnot-an-ip,1,5\n' >"$TMP/rep.list"
cat >"$TMP/rep.yaml" <<EOF
reputation-categories-file: $TMP/cat.txt
default-reputation-path: $TMP
reputation-files:
  - rep.list
EOF
cat >"$TMP/rep.rules" <<'EOF'
alert tcp any any -> any any (msg:"src bad >30"; flow:to_server; iprep:src,BadHosts,>,30; sid:11;)
alert tcp any any -> any any (msg:"src bad >10"; flow:to_server; iprep:src,BadHosts,>,10; sid:12;)
alert tcp any any -> any any (msg:"dst cnc"; flow:to_server; iprep:dst,CnC,=,100; sid:13;)
EOF
mkdir "$TMP/r"
"$VIGIL_BIN" -c "$TMP/rep.yaml" -S "$TMP/rep.rules" -r "$PCAP" -l "$TMP/r" -k none 2>"$TMP/er" || fail "iprep run: $(cat "$TMP/er")"
grep -q "rep.list:4: reputation: not an IP address" "$TMP/er" || fail "bad reputation line not reported: $(cat "$TMP/er")"
[ "$(count_events "$TMP/r/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 11')" = 0 ] || fail "iprep: /24 score used over the host's"
n12=$(count_events "$TMP/r/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 12')
n13=$(count_events "$TMP/r/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 13')
[ "$n12" -gt 0 ] && [ "$n12" = "$n13" ] || fail "iprep alerts: $n12 / $n13"
echo ok
