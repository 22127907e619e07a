# The command line: help, version, usage errors and fatal errors.
. "$(dirname "$0")/lib.sh"
# whole first: grep -q on a pipe would cut a help over 4 KiB short (SIGPIPE)
"$VIGIL_BIN" --help >"$TMP/help" || fail "--help exit status"
grep -q -- "-r FILE|DIR" "$TMP/help" || fail "--help lacks -r"
"$VIGIL_BIN" --version | grep -q "^vigil [0-9]" || fail "--version"
"$VIGIL_BIN" -V | grep -q "^This is Suricata version [0-9]*\.[0-9]*\.[0-9]* compatible (vigil [0-9]" || fail "-V"
"$VIGIL_BIN" --build-info | grep -q "hyperscan:" || fail "--build-info lacks hyperscan"
"$VIGIL_BIN" --build-info | grep -q "EN10MB\|ETHERNET\|(1)" || fail "--build-info lacks link types"

set +e
"$VIGIL_BIN" --bogus >"$TMP/o" 2>&1; rc=$?
set -e
[ $rc -eq 2 ] || fail "unknown option: exit $rc"
grep -q "unknown option --bogus" "$TMP/o" || fail "unknown option message"
grep -q "Usage:" "$TMP/o" || fail "no usage on unknown option"

set +e
"$VIGIL_BIN" -l "$TMP" >"$TMP/o" 2>&1; rc=$?
set -e
[ $rc -eq 2 ] || fail "missing -r: exit $rc"

set +e
"$VIGIL_BIN" -r /nonexistent.pcap -l "$TMP" 2>"$TMP/o"; rc=$?
set -e
[ $rc -eq 1 ] || fail "missing file: exit $rc"
[ "$(wc -l <"$TMP/o")" -eq 1 ] || fail "fatal error should be one line: $(cat "$TMP/o")"
grep -q "/nonexistent.pcap" "$TMP/o" || fail "message does not name the file"

printf 'not a pcap at all\n' >"$TMP/junk.pcap"
set +e
"$VIGIL_BIN" -r "$TMP/junk.pcap" -l "$TMP" 2>"$TMP/o"; rc=$?
set -e
[ $rc -eq 1 ] || fail "junk file: exit $rc"
grep -q "junk.pcap" "$TMP/o" || fail "junk message does not name the file"

make_sample "$TMP/s.pcap"
set +e
"$VIGIL_BIN" -r "$TMP/s.pcap" -l /nonexistent-dir 2>"$TMP/o"; rc=$?
set -e
[ $rc -eq 1 ] || fail "bad log dir: exit $rc"
grep -q "/nonexistent-dir" "$TMP/o" || fail "log dir message"

set +e
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP" -k maybe 2>"$TMP/o"; rc=$?
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP" --runmode=fast 2>>"$TMP/o"; rc2=$?
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP" --set nokey 2>>"$TMP/o"; rc3=$?
set -e
[ $rc -eq 2 ] && [ $rc2 -eq 2 ] && [ $rc3 -eq 1 ] || fail "bad values: $rc $rc2 $rc3"
echo ok
