# make deb: a Debian package built with dpkg-deb that installs into a
# scratch root (dpkg --root), runs from there (alerts find their category
# in the packaged data files), carries the unit and the configuration (a
# conffile) and the dependencies dpkg-shlibdeps found, and is removed
# cleanly (purge leaves no file of it).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "the .deb test needs root (dpkg)"
command -v dpkg-deb >/dev/null && command -v dpkg >/dev/null || skip "dpkg not installed"
command -v make >/dev/null || skip "make not installed"
[ -f Makefile ] && [ -f dist/vigil.yaml ] || skip "not run from the source tree"
BUILD=$(dirname "$VIGIL_BIN")
deb=$(make -s -o "$BUILD/vigil" BUILD="$BUILD" DEBDIR="$TMP" deb) || fail "make deb"
[ -f "$deb" ] || fail "no package at '$deb'"
dpkg-deb -f "$deb" Package | grep -qx vigil || fail "package name"
dpkg-deb -f "$deb" Depends | grep -q "libpcap0.8.*libnetfilter-queue1\|libnetfilter-queue1.*libpcap0.8" ||
	fail "Depends lacks the linked libraries: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/vigil/vigil.yaml || fail "conffiles"

root=$TMP/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --force-depends --force-script-chrootless -i "$deb" >"$TMP/inst" 2>&1 ||
	{ cat "$TMP/inst"; fail "dpkg -i into a scratch root"; }
for f in usr/bin/vigil usr/share/vigil/classification.config usr/share/man/man1/vigil.1 \
	lib/systemd/system/vigil.service etc/vigil/vigil.yaml; do
	[ -e "$root/$f" ] || fail "/$f not installed"
done
grep -q "^ExecStart=/usr/bin/vigil -c /etc/vigil/vigil.yaml " "$root/lib/systemd/system/vigil.service" ||
	fail "unit ExecStart"

make_sample "$TMP/s.pcap"
echo 'alert tcp any any -> any any (msg:"deb: SYN"; flags:S; classtype:trojan-activity; sid:1; rev:1;)' >"$TMP/r.rules"
mkdir "$TMP/o"
env -u VIGIL_DATADIR "$root/usr/bin/vigil" -r "$TMP/s.pcap" -S "$TMP/r.rules" -l "$TMP/o" --quiet 2>"$TMP/e" ||
	{ cat "$TMP/e"; fail "the packaged vigil does not run"; }
grep -q '"category":"A Network Trojan was detected"' "$TMP/o/eve.json" || fail "packaged data files not found"

dpkg --root="$root" --force-script-chrootless -P vigil >"$TMP/rm" 2>&1 || { cat "$TMP/rm"; fail "dpkg -P"; }
left=$(find "$root" -path "$root/var/lib/dpkg" -prune -o -type f -print)
[ -z "$left" ] || fail "purge left: $(echo "$left" | head -3)"
echo ok
