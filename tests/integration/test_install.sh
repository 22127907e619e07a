# make install into a scratch root (PREFIX, DESTDIR): the installed binary
# finds its data files from where it is (alerts get their category), the
# man page is there and names every option of --help; a lone copy of the
# binary with no data directory refuses to run rules (no silent fallback)
# unless VIGIL_DATADIR says where they are; make uninstall removes it all.
. "$(dirname "$0")/lib.sh"
command -v make >/dev/null || skip "make not installed"
BUILD=$(dirname "$VIGIL_BIN")
[ -f Makefile ] && [ -d data ] || skip "not run from the source tree"
root=$TMP/root
make -s -o "$BUILD/vigil" BUILD="$BUILD" DESTDIR="$root" PREFIX=/opt/vigil install >/dev/null ||
	fail "make install"
bin=$root/opt/vigil/bin/vigil
[ -x "$bin" ] || fail "no $bin"
[ -f "$root/opt/vigil/share/vigil/classification.config" ] || fail "data files not installed"
[ -f "$root/opt/vigil/share/man/man1/vigil.1" ] || fail "man page not installed"
# The systemd unit names the installed binary and configuration; the
# configuration installed is read without a single unsupported key.
unit=$root/opt/vigil/lib/systemd/system/vigil.service
grep -q "^ExecStart=/opt/vigil/bin/vigil -c /opt/vigil/etc/vigil/vigil.yaml " "$unit" || fail "unit ExecStart"
grep -q "^ExecReload=/bin/kill -USR2 \$MAINPID" "$unit" || fail "unit ExecReload"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify "$unit" 2>&1 | grep -v "not executable\|man vigil\|Failed to\|No such file" |
		grep . && fail "systemd-analyze verify found problems in the unit"
fi
"$bin" --dump-config -c "$root/opt/vigil/etc/vigil/vigil.yaml" >/dev/null 2>"$TMP/cfg.err" ||
	{ cat "$TMP/cfg.err"; fail "the installed configuration is refused"; }
! grep -q "vigil: config:" "$TMP/cfg.err" || { cat "$TMP/cfg.err"; fail "the installed configuration has unsupported keys"; }

make_sample "$TMP/s.pcap"
echo 'alert tcp any any -> any any (msg:"install: SYN"; flags:S; classtype:trojan-activity; sid:1; rev:1;)' >"$TMP/r.rules"
mkdir "$TMP/o1"
env -u VIGIL_DATADIR "$bin" -r "$TMP/s.pcap" -S "$TMP/r.rules" -l "$TMP/o1" 2>"$TMP/e1" || { cat "$TMP/e1"; fail "installed vigil"; }
grep -q '"category":"A Network Trojan was detected","severity":1' "$TMP/o1/eve.json" ||
	fail "installed vigil did not find classification.config"

# --build-info names the prefix it was installed under (suricata-update reads it).
"$bin" --build-info | grep -q "^ *--prefix  *$root/opt/vigil$" || fail "--build-info prefix"

# The man page is kept true to --help: every long option is in it.
for opt in $("$bin" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -qF -- "$(sed 's/-/\\-/g' <<<"$opt")" "$root/opt/vigil/share/man/man1/vigil.1" ||
		fail "man page lacks $opt"
done
if command -v man >/dev/null; then
	man -l "$root/opt/vigil/share/man/man1/vigil.1" 2>/dev/null | grep -q "LIVE CAPTURE" || fail "man page does not render"
fi

# A lone copy: no data directory is a start-up error with rules.
mkdir -p "$TMP/lone/bin" "$TMP/o2"
cp "$bin" "$TMP/lone/bin/vigil"
rc=0
env -u VIGIL_DATADIR "$TMP/lone/bin/vigil" -r "$TMP/s.pcap" -S "$TMP/r.rules" -l "$TMP/o2" 2>"$TMP/e2" || rc=$?
if [ ! -f /usr/share/vigil/classification.config ]; then
	[ $rc = 1 ] || fail "lone binary with rules: exit $rc"
	grep -q "no data directory: classification.config not found" "$TMP/e2" || { cat "$TMP/e2"; fail "lone binary: reason"; }
	rc=0
	env -u VIGIL_DATADIR "$TMP/lone/bin/vigil" -T -S "$TMP/r.rules" 2>/dev/null || rc=$?
	[ $rc = 1 ] || fail "lone binary -T: exit $rc"
fi
VIGIL_DATADIR=$root/opt/vigil/share/vigil "$TMP/lone/bin/vigil" -r "$TMP/s.pcap" -S "$TMP/r.rules" -l "$TMP/o2" 2>/dev/null ||
	fail "VIGIL_DATADIR not honoured"
env -u VIGIL_DATADIR "$TMP/lone/bin/vigil" -r "$TMP/s.pcap" -l "$TMP/o2" 2>/dev/null || fail "lone binary without rules"

make -s BUILD="$BUILD" DESTDIR="$root" PREFIX=/opt/vigil uninstall || fail "make uninstall"
[ -z "$(find "$root" -type f)" ] || fail "uninstall left $(find "$root" -type f | head -3)"
echo ok
