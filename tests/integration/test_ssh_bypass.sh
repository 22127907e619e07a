# SSH encryption-handling: bypass, as Suricata defines it (ssh parser's
# APP_LAYER_PARSER_BYPASS_READY, acted on only with stream.bypass): once
# both sides sent NEWKEYS the flow is bypassed (EVE flow state
# "bypassed", later packets not inspected); without stream.bypass, or
# with the default track-only, it is not; the handshake rules still fire.
. "$(dirname "$0")/lib.sh"
PCAP="${SHARED_DIR:-/nonexistent}/conformance/suricata-verify/ssh-hassh/input.pcap"
[ -f "$PCAP" ] || skip "no ssh capture in ../shared"
cat >"$TMP/r.rules" <<'R'
alert ssh any any -> any any (msg:"hassh"; ssh.hassh; content:"2dd6531c7e89d3c925db9214711be76a"; sid:1;)
R
run() { # name, extra args...
	local d="$TMP/$1"; shift
	mkdir -p "$d"
	"$VIGIL_BIN" -k none -r "$PCAP" -l "$d" -S "$TMP/r.rules" "$@" 2>"$d/err" ||
		fail "exit $?: $(cat "$d/err")"
}
state() { # dir -> the TCP flow's state
	python3 - "$1/eve.json" <<'PY'
import json, sys
for e in map(json.loads, open(sys.argv[1])):
    if e["event_type"] == "flow" and e.get("app_proto") == "ssh":
        print(e["flow"]["state"])
PY
}
alerts() { grep -c '"event_type":"alert"' "$1/eve.json" || true; }
run bypass --set stream.bypass=yes --set app-layer.protocols.ssh.encryption-handling=bypass
run nostream --set app-layer.protocols.ssh.encryption-handling=bypass
run trackonly --set stream.bypass=yes
[ "$(state "$TMP/bypass")" = bypassed ] || fail "bypass: state $(state "$TMP/bypass")"
[ "$(state "$TMP/nostream")" != bypassed ] || fail "bypassed without stream.bypass"
[ "$(state "$TMP/trackonly")" != bypassed ] || fail "bypassed with track-only"
for d in bypass nostream trackonly; do
	[ "$(alerts "$TMP/$d")" = 1 ] || fail "$d: $(alerts "$TMP/$d") alerts"
done
echo ok
