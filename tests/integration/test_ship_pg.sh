# The central store in PostgreSQL: Debian's postgresql server binaries
# (initdb, pg_ctl) started here in a scratch data directory on a loopback
# port.  Three sensors (two captures; one capture seen by two sensors, one
# named by sensor-name, one by --sensor) are imported with
# `vigil import eve --pg`; importing again stores nothing; the rows keep
# their sensor; `vigil brief --pg` counts every sensor's alerts once, and
# `--sensor` one sensor's.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && BIN=$d; done
[ -n "$BIN" ] || skip "PostgreSQL server binaries absent (Debian package postgresql)"
command -v psql >/dev/null || skip "psql absent (Debian package postgresql-client)"
RULES="$HERE/../../rules/vigil-ci.rules"
V=$(cd "$(dirname "$VIGIL_BIN")" && pwd)/$(basename "$VIGIL_BIN")

# initdb refuses root: the server runs as postgres then.
PGDIR="$TMP/pg"
mkdir "$PGDIR"
AS=()
if [ "$(id -u)" = 0 ]; then
	id postgres >/dev/null 2>&1 || skip "running as root without a postgres user"
	chmod 755 "$TMP"
	chown postgres "$PGDIR"
	AS=(runuser -u postgres --)
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${AS[@]}" "$BIN/initdb" -D "$PGDIR/data" -U vigil --auth=trust -E UTF8 >"$TMP/initdb.log" 2>&1 ||
	fail "initdb: $(cat "$TMP/initdb.log")"
"${AS[@]}" "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 60 \
	-o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1" start >/dev/null ||
	fail "pg_ctl start: $(cat "$PGDIR/log")"
trap '"${AS[@]}" "$BIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$TMP"' EXIT
PG="host=127.0.0.1 port=$PORT user=vigil dbname=postgres"
SQL() { psql "$PG" -Atqc "$1"; }

for s in hospital-ransomware grid-manipulation; do
	"$V" scenario write $s -o "$TMP/$s.pcap" --seed 1 >/dev/null
done
# sensor DIR PCAP [SENSOR-NAME]
sensor() {
	mkdir -p "$TMP/$1"
	local set=()
	[ -z "${3:-}" ] || set=(--set sensor-name="$3")
	"$V" -r "$TMP/$2.pcap" -S "$RULES" -l "$TMP/$1" -q --no-progress "${set[@]}" 2>"$TMP/$1.err" ||
		fail "sensor $1: $(cat "$TMP/$1.err")"
}
sensor a hospital-ransomware hospital-a
sensor b grid-manipulation grid-b
sensor c hospital-ransomware # no sensor-name: named at import
grep -q '"host":"hospital-a"}$' <(head -1 "$TMP/a/eve.json") || fail "sensor-name not written as host: $(head -c 300 "$TMP/a/eve.json")"
if grep -q '"host":"[^"]*"}$' "$TMP/c/eve.json"; then fail "host written without sensor-name"; fi
alerts() { grep -c '"event_type":"alert"' "$1"; }
na=$(alerts "$TMP/a/eve.json") nb=$(alerts "$TMP/b/eve.json") nc=$(alerts "$TMP/c/eve.json")
[ "$na" -gt 0 ] && [ "$nb" -gt 0 ] || fail "no alerts from the sensors ($na, $nb)"

"$V" import eve "$TMP/a/eve.json" "$TMP/b/eve.json" --pg "$PG" >"$TMP/imp1" 2>&1 || fail "import: $(cat "$TMP/imp1")"
"$V" import eve "$TMP/c/eve.json" --pg "$PG" --sensor hospital-c >>"$TMP/imp1" 2>&1 || fail "import c: $(cat "$TMP/imp1")"
total=$(cat "$TMP"/[abc]/eve.json | wc -l)
[ "$(SQL 'select count(*) from vigil_event')" -eq "$total" ] || fail "rows $(SQL "select count(*) from vigil_event"), expected $total: $(cat "$TMP/imp1")"
[ "$(SQL "select count(*) from vigil_event where sensor='hospital-c' and event_type='alert'")" -eq "$nc" ] || fail "sensor c's alerts"
[ "$(SQL "select count(distinct sensor) from vigil_event")" -eq 3 ] || fail "sensors: $(SQL 'select distinct sensor from vigil_event')"

# Re-import (a re-run, a file shipped twice): nothing new.
"$V" import eve "$TMP/a/eve.json" --pg "$PG" >"$TMP/imp2" 2>&1 || fail "re-import: $(cat "$TMP/imp2")"
grep -q "0 events stored in the central store, $(wc -l <"$TMP/a/eve.json") already present, 0 malformed" "$TMP/imp2" || fail "re-import: $(cat "$TMP/imp2")"
[ "$(SQL 'select count(*) from vigil_event')" -eq "$total" ] || fail "re-import added rows"

# No sensor: the event is reported and skipped, not stored nameless.
printf '{"timestamp":"2026-01-01T00:00:00.000000+0000","event_type":"alert"}\nnot json\n' >"$TMP/bad.json"
"$V" import eve "$TMP/bad.json" --pg "$PG" >"$TMP/imp3" 2>&1 || fail "bad import: $(cat "$TMP/imp3")"
grep -q 'bad.json:1: no sensor' "$TMP/imp3" && grep -q 'bad.json:2:' "$TMP/imp3" && grep -q '0 events stored.* 2 malformed' "$TMP/imp3" ||
	fail "bad lines: $(cat "$TMP/imp3")"

# The briefing across sensors, and of one.
brief_alerts() {
	"$V" brief --pg "$PG" --include-exercise --format json -o "$TMP/brief.json" "$@" 2>"$TMP/brief.err" ||
		fail "brief $*: $(cat "$TMP/brief.err")"
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["figures"]["detections.alerts.current"])' "$TMP/brief.json"
}
got=$(brief_alerts)
[ "$got" -eq $((na + nb + nc)) ] || fail "brief across sensors: $got alerts, expected $((na + nb + nc))"
got=$(brief_alerts --sensor grid-b)
[ "$got" -eq "$nb" ] || fail "brief of grid-b: $got alerts, expected $nb"
# the same briefing as from the SQLite store of that sensor alone
"$V" import eve "$TMP/b/eve.json" --db "$TMP/b.db" >/dev/null
"$V" brief --db "$TMP/b.db" --include-exercise --format json -o "$TMP/brief-sqlite.json" 2>/dev/null
python3 - "$TMP/brief.json" "$TMP/brief-sqlite.json" <<'PY' || fail "brief of grid-b differs between PostgreSQL and SQLite"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for d in (a, b):
    d.pop("generated", None)
sys.exit(json.dumps(a["figures"], sort_keys=True) != json.dumps(b["figures"], sort_keys=True))
PY
echo "ok: central store: 3 sensors, $total events, re-import idempotent, brief across sensors ($((na + nb + nc)) alerts)"
