#!/usr/bin/env bash
# Builds the benchmark corpus: every readable Ethernet capture under
# ../shared (pcap, pcapng, cap), in byte order of their paths, each
# converted to pcap on its own (so that one broken file cannot end the
# merge, as a single mergecap call over all of them did), then concatenated
# COPIES times (default 8) with each copy's timestamps shifted by a day.
# Captures cut short or damaged in the middle go in with the packets before
# the break, and are counted and named; captures of other link types, and
# those with no readable packet, are counted and left out.
# The result is deterministic for a given ../shared: its composition and
# SHA-256 are written beside it.
#
# Usage: bench/corpus.sh [OUT.pcap]   (default build/bench/corpus.pcap)
#        COPIES=1 bench/corpus.sh build/bench/once.pcap   one copy
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-build/bench/corpus.pcap}
COPIES=${COPIES:-8}
SHARED=../shared
export LC_ALL=C
[ -d "$SHARED" ] || { echo "bench: ../shared absent: give a capture" >&2; exit 1; }
for t in editcap mergecap capinfos; do
	command -v "$t" >/dev/null || { echo "bench: $t missing (apt-get install wireshark-common)" >&2; exit 1; }
done
mkdir -p "$(dirname "$OUT")"
work=$(mktemp -d "${OUT%.pcap}.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

find "$SHARED" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort >"$work/all"
: >"$work/used"; : >"$work/cut"; : >"$work/other"; : >"$work/unreadable"
i=0
while IFS= read -r f; do
	i=$((i + 1))
	part=$(printf '%s/%05d.pcap' "$work" "$i")
	# editcap keeps the packets before a break and says so on stderr.
	if ! editcap -F pcap "$f" "$part" 2>"$work/err" || [ ! -s "$part" ]; then
		rm -f "$part"
		# Mixed link types (pcapng "per-packet") cannot become one pcap.
		encap=$(capinfos -T -r -E -m "$f" 2>/dev/null | cut -d, -f2)
		if [ -n "$encap" ] && [ "$encap" != ether ]; then
			echo "$f	$encap" >>"$work/other"
		else
			echo "$f	$(head -c 200 "$work/err" | tr '\n\t' '  ')" >>"$work/unreadable"
		fi
		continue
	fi
	read -r encap npkts < <(capinfos -T -r -E -c -m "$part" 2>/dev/null | awk -F, '{ print $2, $3 }')
	if [ "${encap:-}" != ether ]; then
		echo "$f	${encap:-unknown}" >>"$work/other"
		rm -f "$part"
	elif [ "${npkts:-0}" = 0 ]; then
		echo "$f	no readable packet: $(head -c 200 "$work/err" | tr '\n\t' '  ')" >>"$work/unreadable"
		rm -f "$part"
	else
		if [ -s "$work/err" ]; then
			echo "$f	$npkts packets kept: $(head -c 200 "$work/err" | tr '\n\t' '  ')" >>"$work/cut"
		fi
		echo "$f	$npkts	$(stat -c %s "$part")" >>"$work/used"
		echo "$part" >>"$work/parts"
	fi
done <"$work/all"

# Merge in groups (mergecap holds every input open at once).
split -l 200 -d -a 3 "$work/parts" "$work/group."
for g in "$work"/group.*; do
	tr '\n' '\0' <"$g" | xargs -0 mergecap -a -F pcap -w "$g.pcap"
done
mergecap -a -F pcap -w "$work/once.pcap" "$work"/group.*.pcap
copies=()
for c in $(seq 0 $((COPIES - 1))); do
	editcap -F pcap -t $((c * 86400)) "$work/once.pcap" "$work/copy$c.pcap"
	copies+=("$work/copy$c.pcap")
done
mergecap -a -F pcap -w "$OUT.tmp" "${copies[@]}"
mv "$OUT.tmp" "$OUT"

# Composition, by source tree.
{
	echo "# vigil benchmark corpus: $OUT"
	echo "# built by bench/corpus.sh from $(realpath "$SHARED"), $COPIES copies"
	echo "sha256 $(sha256sum "$OUT" | cut -d' ' -f1)"
	capinfos -T -r -c -s "$OUT" | awk -F'\t' '{ print "packets " $2 "\nfile bytes " $3 }'
	echo "captures found $(wc -l <"$work/all")"
	echo "captures used $(wc -l <"$work/used") (of them cut short or damaged, packets before the break kept: $(wc -l <"$work/cut"))"
	echo "captures of other link types left out $(wc -l <"$work/other")"
	echo "captures with no readable packet left out $(wc -l <"$work/unreadable")"
	echo "# per source, one copy: captures packets bytes"
	awk -F'\t' '{
		s = $1; sub("^\\.\\./shared/", "", s)
		n = split(s, p, "/")
		key = (p[1] == "reference") ? p[1] "/" p[2] "/" p[3] : (p[1] == "data") ? p[1] "/" p[2] "/" p[3] : p[1]
		c[key]++; k[key] += $2; b[key] += $3
	} END { for (x in c) print x, c[x], k[x], b[x] }' "$work/used" | sort
	echo "# link types left out"
	cut -f2 "$work/other" | sort | uniq -c | awk '{ print $2, $1 }'
	echo "# cut short or damaged (kept up to the break)"
	cat "$work/cut"
	echo "# left out: no readable packet"
	cat "$work/unreadable"
} >"${OUT%.pcap}.txt"
cat "${OUT%.pcap}.txt" | sed -n '1,/^# link types/p'
