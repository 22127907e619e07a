# Output under full, filling and read-only filesystems (tmpfs mounts of a
# small size, made by the test; skipped where mounting is not allowed):
# exit status 3 (completed with losses), a summary whose counts match the
# events in eve.json, eve.json valid line by line, store errors that name
# the cause, and a store import re-run after freeing space stores each
# event exactly once.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
MOUNTS=""
cleanup() {
	for m in $MOUNTS; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT
mount_tmpfs() { # DIR SIZE
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2" tmpfs "$1" 2>/dev/null || skip "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN, and mount): skipped"
	MOUNTS="$1 $MOUNTS"
}
fill() { dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null || true; }
check() { python3 "$HERE/check_losses.py" "$@"; }
run() { # OUTDIR EXPECTED-RC [vigil args...]: runs, checks the exit status
	local out=$1 want=$2
	shift 2
	set +e
	timeout 120 "$VIGIL_BIN" -r "$TMP/ddos.pcap" -l "$out" --no-progress "$@" 2>"$TMP/err"
	local rc=$?
	set -e
	[ $rc -eq "$want" ] || fail "exit $rc, expected $want: $(cat "$TMP/err")"
}

# Many small events (one flow event per SYN-flood flow), about 8 MB of EVE.
"$VIGIL_BIN" scenario write emergency-ddos -o "$TMP/ddos.pcap" --seed 1 >/dev/null
mkdir "$TMP/ref"
run "$TMP/ref" 0
read -r total _ < <(check "$TMP/ref/eve.json" "$TMP/err" --expect-none)
[ "$total" -gt 10000 ] || fail "reference run wrote only $total events"
grep -q "complete$" "$TMP/err" || fail "a clean run's summary does not say complete"

# 1. Full before the run: every event lost, none claimed written.
mount_tmpfs "$TMP/full" 256k
fill "$TMP/full"
run "$TMP/full" 3
read -r w l < <(check "$TMP/full/eve.json" "$TMP/err" --expect-lost --total "$total") ||
	fail "full disk: $(cat "$TMP/err")"
[ "$w" -eq 0 ] || fail "full disk: $w events claimed written"
grep -q "eve.json: write failed: No space left on device" "$TMP/err" || fail "no write error with path and reason: $(cat "$TMP/err")"
[ "$(grep -c "write failed" "$TMP/err")" -eq 1 ] || fail "the write error is not reported once"

# 2. Filling during the run: part written (whole lines only), the rest lost.
mount_tmpfs "$TMP/small" 1m
run "$TMP/small" 3
read -r w l < <(check "$TMP/small/eve.json" "$TMP/err" --expect-lost --total "$total") ||
	fail "filling disk: $(cat "$TMP/err")"
[ "$w" -gt 0 ] || fail "filling disk: nothing written before the disk filled"
echo "filling eve.json: $w written, $l lost of $total"

# Same in workers mode (several writers share the file).
rm -f "$TMP/small/eve.json" "$TMP/small"/vigil.db*
run "$TMP/small" 3 --runmode workers --threads 2
check "$TMP/small/eve.json" "$TMP/err" --expect-lost --total "$total" >/dev/null ||
	fail "filling disk, workers: $(cat "$TMP/err")"

# 3. vigil.db filling: eve.json fits elsewhere, the store does not.  The
# error names the cause with SQLite's code; nothing half-imported stays.
mount_tmpfs "$TMP/dbfs" 512k
mkdir "$TMP/big"
run "$TMP/big" 3 --set outputs.2.sqlite.filename="$TMP/dbfs/vigil.db"
check "$TMP/big/eve.json" "$TMP/err" --expect-none --total "$total" >/dev/null ||
	fail "store full: $(cat "$TMP/err")"
grep -q "store: .*disk full.*SQLITE_FULL" "$TMP/err" || fail "store error without its cause: $(cat "$TMP/err")"
grep -q "FOREIGN KEY" "$TMP/err" && fail "store error hides the cause: $(cat "$TMP/err")"
grep -q "completed with losses" "$TMP/err" || fail "store failure not in the summary"
rows() {
	python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
try:
    print(db.execute("select count(*) from event").fetchone()[0], db.execute("select count(*) from (select file_id, line from event group by 1, 2 having count(*) > 1)").fetchone()[0])
except sqlite3.Error:
    print(0, 0)
PY
}
read -r n _ < <(rows "$TMP/dbfs/vigil.db")
[ "$n" -eq 0 ] || fail "a failed import left $n rows (not rolled back whole)"
# Free the space (the filesystem grown) and import again: each event once.
mount -o remount,size=64m "$TMP/dbfs" || fail "cannot grow the tmpfs"
"$VIGIL_BIN" import eve "$TMP/big/eve.json" --db "$TMP/dbfs/vigil.db" >/dev/null 2>"$TMP/err" ||
	fail "re-run import: $(cat "$TMP/err")"
read -r n dup < <(rows "$TMP/dbfs/vigil.db")
flows=$(count_events "$TMP/big/eve.json" 'e["event_type"] in ("flow","alert","anomaly")')
[ "$n" -eq "$flows" ] || fail "re-run stored $n rows, eve.json has $flows storable events"
"$VIGIL_BIN" import eve "$TMP/big/eve.json" --db "$TMP/dbfs/vigil.db" >/dev/null 2>&1 || fail "second import failed"
read -r n2 dup < <(rows "$TMP/dbfs/vigil.db")
[ "$n2" -eq "$n" ] && [ "$dup" -eq 0 ] || fail "second import: $n2 rows ($dup duplicated), expected $n"

# A store locked by another process: named as locked, with SQLite's code.
python3 - "$TMP/lock.db" "$TMP/locked" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("BEGIN EXCLUSIVE")
db.execute("CREATE TABLE IF NOT EXISTS held(x)")
open(sys.argv[2], "w").close()
time.sleep(60)
PY
locker=$!
for _ in $(seq 100); do [ -e "$TMP/locked" ] && break; sleep 0.1; done
"$VIGIL_BIN" import eve "$TMP/big/eve.json" --db "$TMP/lock.db" >/dev/null 2>"$TMP/err" && fail "import into a locked store succeeded"
kill $locker 2>/dev/null || true
wait $locker 2>/dev/null || true
grep -q "lock.db: locked by another process: .*(SQLITE_BUSY" "$TMP/err" || fail "locked store: $(cat "$TMP/err")"

# 4. The store interrupted (killed mid-import) and re-run: no duplicates.
python3 - "$TMP/big/eve.json" "$TMP/many.json" <<'PY'
import sys
src = open(sys.argv[1]).read()
with open(sys.argv[2], "w") as f:
    for i in range(40):
        f.write(src)
PY
"$VIGIL_BIN" import eve "$TMP/many.json" --db "$TMP/int.db" >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -KILL $pid 2>/dev/null || fail "the import ended before it could be interrupted"
wait $pid 2>/dev/null || true
"$VIGIL_BIN" import eve "$TMP/many.json" --db "$TMP/int.db" >/dev/null 2>"$TMP/err" || fail "import after a kill: $(cat "$TMP/err")"
read -r n dup < <(rows "$TMP/int.db")
[ "$n" -eq $((flows * 40)) ] && [ "$dup" -eq 0 ] || fail "after a killed import: $n rows ($dup duplicated), expected $((flows * 40))"

# 5. Read-only: eve.json's directory is refused up front (exit 1, named);
# a read-only store is named as such and the run completes with losses.
mount_tmpfs "$TMP/ro" 16m
"$VIGIL_BIN" import eve "$TMP/ref/eve.json" --db "$TMP/ro/vigil.db" >/dev/null 2>&1 || fail "store for the read-only test"
mount -o remount,ro "$TMP/ro"
run "$TMP/ro" 1
grep -q "ro is not writable: Read-only file system" "$TMP/err" || fail "read-only log dir: $(cat "$TMP/err")"
mkdir "$TMP/rw"
run "$TMP/rw" 3 --set outputs.2.sqlite.filename="$TMP/ro/vigil.db"
grep -q "ro/vigil.db: read-only: .*SQLITE_CANTOPEN" "$TMP/err" || fail "read-only store: $(cat "$TMP/err")"
check "$TMP/rw/eve.json" "$TMP/err" --expect-none --total "$total" >/dev/null || fail "read-only store: $(cat "$TMP/err")"

# -q: no summary, same exit status.
run "$TMP/rw" 3 -q --set outputs.2.sqlite.filename="$TMP/ro/vigil.db"
grep -q "summary" "$TMP/err" && fail "-q still prints the summary"
echo "ok"
