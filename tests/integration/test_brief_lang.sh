#!/usr/bin/env bash
# The briefing in the six UN languages, rendered by Debian's headless
# Chromium: each language's HTML carries its lang attribute (dir="rtl" for
# Arabic); every briefing prints to PDF; the Arabic and Chinese PDFs embed
# the Noto fonts that cover their scripts (fonts-noto-core,
# fonts-noto-cjk), so no glyph falls back to a missing-glyph box; no PDF
# uses Chromium's LastResort font; in a 400 px wide frame every language's
# page fits without horizontal scrolling, no text overflows its box, and
# Arabic is laid out right to left.  Screenshots at 400 px and 1000 px
# wide are left in $BRIEF_LANG_SHOTS if set.
# Needs VIGIL_BIN; skips (77) without ../shared or chromium.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SHARED_DIR:-$ROOT/../shared}
D=$SHARED/data
if [ ! -d "$D/incidents/eurepoc" ] || [ ! -f "$D/intel/kev.json" ]; then
	echo "SKIP: test_brief_lang.sh needs the shared datasets at $SHARED (absent)"
	exit 77
fi
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	echo "SKIP: chromium not installed (./run test installs it)"
	exit 77
fi
: "${VIGIL_BIN:?VIGIL_BIN must name the vigil binary}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
V() { "$VIGIL_BIN" "$@"; }
DB=$TMP/vigil.db
SHOTS=${BRIEF_LANG_SHOTS:-$TMP}
mkdir -p "$SHOTS"
export SOURCE_DATE_EPOCH=1767225600 # 2026-01-01

V source import eurepoc "$D/incidents/eurepoc" --publisher EuRepoC --stakeholder academia --db "$DB" >/dev/null 2>&1 || fail "import eurepoc"
V source import kev "$D/intel/kev.json" --publisher CISA --stakeholder government --db "$DB" >/dev/null 2>&1 || fail "import kev"
if [ -f "$D/incidents/cipher/cipher.csv" ]; then
	V source import cipher "$D/incidents/cipher/cipher.csv" --publisher CIPHER --stakeholder academia --db "$DB" >/dev/null 2>&1 || fail "import cipher"
fi

V brief --db "$DB" --lang de -o "$TMP/x.html" 2>"$TMP/err" && fail "--lang de accepted without a catalogue"
grep -q "messages/de.yaml" "$TMP/err" || fail "--lang de: no message naming the missing catalogue: $(cat "$TMP/err")"
V brief --db "$DB" --lang ../en -o "$TMP/x.html" 2>/dev/null && fail "--lang with a path accepted"

PROFILE=$(mktemp -d)
CH=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
	--disable-component-update --disable-sync --user-data-dir="$PROFILE")

# layout H: the briefing in a 400 px wide frame (headless Chromium will not
# make its window that narrow); a script in the test's own wrapper page, not
# in the briefing, measures the page width against the frame's, elements
# whose text overflows its box, and the direction the page is laid out in.
layout() {
	cat >"$TMP/wrap.html" <<HTML
<!DOCTYPE html><html><body><iframe id="f" src="$(basename "$1")" style="width:400px;height:900px;border:0"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {
  var doc = this.contentDocument, w = this.contentWindow, d = doc.documentElement, over = [];
  doc.querySelectorAll('p,li,h1,h2,h3,caption,th,td,figcaption,nav').forEach(function (e) {
    if (e.scrollWidth > e.clientWidth + 1 && w.getComputedStyle(e).overflowX !== 'auto')
      over.push(e.tagName + ': ' + e.textContent.slice(0, 40));
  });
  document.body.setAttribute('data-check', JSON.stringify({page: d.scrollWidth, frame: d.clientWidth,
    dir: w.getComputedStyle(doc.body).direction, over: over}));
});
</script></body></html>
HTML
	timeout 120 "$CHROME" "${CH[@]}" --allow-file-access-from-files --virtual-time-budget=5000 \
		--dump-dom "file://$TMP/wrap.html" 2>/dev/null | python3 -c '
import html, json, re, sys
m = re.search(r"data-check=\"([^\"]*)\"", sys.stdin.read())
print(html.unescape(m.group(1)) if m else "{}")'
}
for l in ar zh en fr ru es; do
	H=$TMP/brief-$l.html
	V brief --db "$DB" --lang "$l" -o "$H" || fail "vigil brief --lang $l"
	dir=ltr
	[ "$l" = ar ] && dir=rtl
	grep -q "<html lang=\"$l\" dir=\"$dir\">" "$H" || fail "$l: no <html lang=\"$l\" dir=\"$dir\">"
	timeout 120 "$CHROME" "${CH[@]}" --no-pdf-header-footer --print-to-pdf="$TMP/$l.pdf" "file://$H" >/dev/null 2>"$TMP/chrome.err" ||
		fail "$l: chromium --print-to-pdf: $(tail -3 "$TMP/chrome.err")"
	head -c 5 "$TMP/$l.pdf" | grep -q "%PDF-" || fail "$l: no PDF"
	fonts=$(grep -a -o "/FontName */[A-Za-z0-9+_-]*" "$TMP/$l.pdf" | sed 's/.*+//' | sort -u | tr '\n' ' ')
	case $fonts in *LastResort*) fail "$l: a glyph no font covers (LastResort): $fonts" ;; esac
	case $l in
	ar) case $fonts in *NotoNaskhArabic* | *NotoSansArabic*) ;; *) fail "ar: no Arabic font in the PDF: $fonts" ;; esac ;;
	zh) case $fonts in *CJK*) ;; *) fail "zh: no CJK font in the PDF: $fonts" ;; esac ;;
	esac
	echo "$l: PDF $(stat -c %s "$TMP/$l.pdf") bytes, fonts: $fonts"
	check=$(layout "$H")
	python3 - "$l" "$dir" "$check" <<'PY' || fail "$l: layout at 400 px: $check"
import json, sys
lang, want_dir, c = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
assert c, "no measurement"
assert c["dir"] == want_dir, c["dir"]
assert c["page"] <= c["frame"], "page %d px wide in a %d px frame" % (c["page"], c["frame"])
assert not c["over"], c["over"][:5]
print("%s: at 400 px the page fits (%d px), laid out %s, no overflowing text" % (lang, c["page"], c["dir"]))
PY
	if [ "$l" = ar ] || [ "$l" = zh ]; then
		for w in 400 1000; do
			timeout 120 "$CHROME" "${CH[@]}" --hide-scrollbars --window-size=$w,1400 \
				--screenshot="$SHOTS/brief-$l-$w.png" "file://$H" >/dev/null 2>&1 ||
				fail "$l: chromium --screenshot"
			[ -s "$SHOTS/brief-$l-$w.png" ] || fail "$l: no screenshot"
		done
	fi
done
rm -rf "$PROFILE"
echo "PASS test_brief_lang.sh"
