#!/bin/sh
# make-deb.sh BUILD VERSION [OUTDIR] — builds OUTDIR/vigil_VERSION_ARCH.deb
# (OUTDIR: BUILD) from a
# staged `make install PREFIX=/usr` with dpkg-deb (no debian/ tree needed).
# Depends: from dpkg-shlibdeps on the binary, so the package asks for the
# very libraries it was linked with.  /etc/vigil/vigil.yaml is a conffile.
set -eu
BUILD=$1
VERSION=$2
OUTDIR=${3:-$BUILD}
command -v dpkg-deb >/dev/null || { echo "make deb: dpkg-deb not found (Debian's dpkg)" >&2; exit 1; }
ARCH=$(dpkg --print-architecture)
STAGE=$OUTDIR/deb-stage
rm -rf "$STAGE"
mkdir -p "$STAGE/root/DEBIAN" "$STAGE/debian"
make -s -o "$BUILD/vigil" BUILD="$BUILD" DESTDIR="$STAGE/root" PREFIX=/usr \
	SYSTEMDDIR=/lib/systemd/system install >/dev/null
DEPENDS=
if command -v dpkg-shlibdeps >/dev/null; then
	printf 'Source: vigil\n\nPackage: vigil\nArchitecture: any\n' >"$STAGE/debian/control"
	DEPENDS=$(cd "$STAGE" && dpkg-shlibdeps -O --ignore-missing-info root/usr/bin/vigil 2>/dev/null |
		sed -n 's/^shlibs:Depends=//p')
fi
[ -n "$DEPENDS" ] || echo "make deb: dpkg-shlibdeps gave no dependencies; the package lists none" >&2
SIZE=$(du -sk "$STAGE/root" | cut -f1)
{
	echo "Package: vigil"
	echo "Version: $VERSION"
	echo "Architecture: $ARCH"
	echo "Maintainer: vigil developers <vigil@localhost>"
	echo "Installed-Size: $SIZE"
	[ -z "$DEPENDS" ] || echo "Depends: $DEPENDS"
	echo "Recommends: suricata-update"
	echo "Section: net"
	echo "Priority: optional"
	echo "Description: network sensor and threat-landscape briefings (Suricata-compatible)"
	echo " vigil reads captures or live traffic (AF_PACKET, libpcap, NFQUEUE inline),"
	echo " runs Suricata-language rules and writes Suricata's EVE JSON, fast.log and"
	echo " stats.log; it also writes threat-landscape briefings from what it saw."
} >"$STAGE/root/DEBIAN/control"
echo /etc/vigil/vigil.yaml >"$STAGE/root/DEBIAN/conffiles"
OUT=$OUTDIR/vigil_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group --build "$STAGE/root" "$OUT" >/dev/null
rm -rf "$STAGE"
echo "$OUT"
