# EVE shipped to Redis (eve-log filetype redis) against Debian's
# redis-server, started here on a loopback port in a scratch directory:
# every event of a capture arrives once as list (LPUSH, RPUSH with
# pipelining), stream (XADD) and channel (PUBLISH); with no server the run
# neither blocks nor crashes, holds events up to the backlog and counts
# every one lost (exit 3); bad redis settings are refused naming the key.
. "$(dirname "$0")/lib.sh"
command -v redis-server >/dev/null && command -v redis-cli >/dev/null ||
	skip "redis-server or redis-cli absent (Debian package redis-server)"
make_sample "$TMP/s.pcap"
mkdir "$TMP/ref"
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP/ref" --runmode single --no-progress 2>"$TMP/err" ||
	fail "reference run: $(cat "$TMP/err")"
total=$(wc -l <"$TMP/ref/eve.json")
[ "$total" -gt 10 ] || fail "reference run wrote only $total events"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
mkdir "$TMP/redis"
redis-server --port "$PORT" --bind 127.0.0.1 --dir "$TMP/redis" --save "" --appendonly no \
	--daemonize no --logfile "$TMP/redis/log" &
RPID=$!
trap 'kill $RPID 2>/dev/null || true; wait $RPID 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do
	redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG && break
	sleep 0.1
done
redis-cli -p "$PORT" ping | grep -q PONG || fail "redis-server did not start: $(cat "$TMP/redis/log")"
R() { redis-cli -p "$PORT" "$@"; }

# run NAME SETTINGS...: vigil with eve-log to this Redis; stderr in $TMP/NAME.err
run() {
	local name=$1
	shift
	local sets=(--set outputs.1.eve-log.filetype=redis --set outputs.1.eve-log.redis.server=127.0.0.1
		--set outputs.1.eve-log.redis.port="$PORT")
	for s in "$@"; do sets+=(--set "outputs.1.eve-log.redis.$s"); done
	mkdir -p "$TMP/$name"
	timeout 120 "$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP/$name" --runmode single --no-progress \
		"${sets[@]}" 2>"$TMP/$name.err"
}
# same_events FILE: the lines of FILE are the reference's, each once (any order)
same_events() {
	python3 - "$TMP/ref/eve.json" "$1" <<'PY'
import json, sys
def norm(path):
    out = []
    for l in open(path):
        e = json.loads(l)
        if e.get("event_type") == "stats":   # wall-clock uptime differs per run
            e = {"event_type": "stats"}
        out.append(json.dumps(e, sort_keys=True))
    return sorted(out)
a, b = norm(sys.argv[1]), norm(sys.argv[2])
if a != b:
    sys.exit(f"{len(b)} events shipped, {len(a)} in eve.json; first difference: "
             f"{next((x for x, y in zip(a, b) if x != y), 'in length')[:200]}")
PY
}
summary_ok() { grep -q "summary:.* $total events written (.*), 0 lost;" "$TMP/$1.err" || fail "$1: summary: $(cat "$TMP/$1.err")"; }

# 1. list (LPUSH, the default mode), one command per event.
run list key=evl || fail "list: $(cat "$TMP/list.err")"
[ ! -e "$TMP/list/eve.json" ] || fail "list: an eve.json was written as well"
R --raw lrange evl 0 -1 | tac >"$TMP/list.json"
same_events "$TMP/list.json" || fail "list: events differ"
summary_ok list

# 2. rpush with pipelining: order kept as in eve.json.
run rpush mode=rpush key=evr pipelining.enabled=yes pipelining.batch-size=7 ||
	fail "rpush: $(cat "$TMP/rpush.err")"
R --raw lrange evr 0 -1 >"$TMP/rpush.json"
same_events "$TMP/rpush.json" || fail "rpush: events differ"
python3 - "$TMP/ref/eve.json" "$TMP/rpush.json" <<'PY' || fail "rpush: order differs from eve.json"
import json, sys
ts = lambda p: [(json.loads(l)["event_type"], json.loads(l).get("flow_id")) for l in open(p)]
sys.exit(ts(sys.argv[1]) != ts(sys.argv[2]))
PY
summary_ok rpush

# 3. stream (XADD, field "eve"), trimmed approximately to stream-maxlen.
run stream mode=stream key=evs pipelining.enabled=yes || fail "stream: $(cat "$TMP/stream.err")"
[ "$(R xlen evs)" -eq "$total" ] || fail "stream: xlen $(R xlen evs), expected $total"
R --raw xrange evs - + | awk 'prev == "eve" { print } { prev = $0 }' >"$TMP/stream.json"
same_events "$TMP/stream.json" || fail "stream: events differ"
summary_ok stream
run stream2 mode=xadd key=evt stream-maxlen=5 stream-trim-exact=yes || fail "xadd: $(cat "$TMP/stream2.err")"
[ "$(R xlen evt)" -eq 5 ] || fail "stream-maxlen 5 exact: xlen $(R xlen evt)"

# 4. channel (PUBLISH): a subscriber gets every event.
(timeout 60 redis-cli -p "$PORT" --raw subscribe evc >"$TMP/sub.out") &
SUB=$!
for _ in $(seq 50); do
	[ "$(R pubsub numsub evc | tail -1)" = 1 ] && break
	sleep 0.1
done
run channel mode=channel key=evc || fail "channel: $(cat "$TMP/channel.err")"
for _ in $(seq 50); do
	[ "$(grep -c '^{' "$TMP/sub.out")" -ge "$total" ] && break
	sleep 0.1
done
kill $SUB 2>/dev/null || true
grep '^{' "$TMP/sub.out" >"$TMP/channel.json" || true
same_events "$TMP/channel.json" || fail "channel: events differ"
summary_ok channel

# 5. No server (stopped): bounded backlog, every event counted lost, no hang.
kill $RPID
wait $RPID 2>/dev/null || true
set +e
run down key=evd backlog=20
rc=$?
set -e
[ $rc -eq 3 ] || fail "server down: exit $rc (124 = hung), expected 3: $(cat "$TMP/down.err")"
grep -q "events are held (up to 20)" "$TMP/down.err" || fail "server down not said: $(cat "$TMP/down.err")"
grep -q "20 events could not be delivered" "$TMP/down.err" || fail "backlog not settled: $(cat "$TMP/down.err")"
grep -q "summary:.* 0 events written (.*), $total lost;" "$TMP/down.err" || fail "down: losses not counted: $(cat "$TMP/down.err")"

# 6. Bad settings: refused at start, naming the key.
for bad in "redis.mode=lpop:redis.mode" "redis.port=70000:redis.port" \
	"redis.pipelining.batch-size=0:redis.pipelining.batch-size" "filetype=unix_stream:filetype"; do
	set +e
	"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP/down" --no-progress --set outputs.1.eve-log."${bad%%:*}" \
		2>"$TMP/bad.err"
	rc=$?
	set -e
	[ $rc -ne 0 ] && [ $rc -ne 3 ] || fail "bad ${bad%%:*}: exit $rc"
	grep -q "outputs.eve-log.${bad##*:}: bad value" "$TMP/bad.err" || fail "bad ${bad%%:*}: $(cat "$TMP/bad.err")"
done
echo "ok: redis list, rpush, stream, channel ($total events each), server down, bad settings"
