#!/bin/sh
# Builds every tests/fuzz/fuzz_*.c with clang (libFuzzer + ASan + UBSan)
# into build-fuzz/ and runs each for ${FUZZ_SECONDS:-10} seconds.
# The library (src/*/*.c) is compiled once with fuzzer-no-link coverage
# into build-fuzz/libvigil-fuzz.a; each target links against it.
# Seeds in tests/fuzz/seeds/<target>/ start the corpus when present.
# Exits non-zero when a target fails to build or finds a crash.
set -eu
cd "$(dirname "$0")/../.."
CC=${FUZZ_CC:-clang}
OUT=build-fuzz
SECS=${FUZZ_SECONDS:-10}
PKGS="libpcap libhs libpcre2-8 zlib liblzma libcrypto yaml-0.1 sqlite3 jansson libcap-ng icu-i18n icu-uc lua5.4 libnetfilter_queue libnghttp2 hiredis rdkafka libpq"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
BASE="-std=c11 -D_GNU_SOURCE -g -O1 -Isrc $(pkg-config --cflags $PKGS) -DVIGIL_VERSION=\"fuzz\" -DVIGIL_GIT_REV=\"fuzz\""
LIBS="$(pkg-config --libs $PKGS) -lcsv -lmagic -lpthread -lm"
mkdir -p "$OUT/obj"

# An object is rebuilt when its source or any header under src/ is newer
# (struct layouts change with headers).
newest_h=$(ls -t src/*/*.h src/*/*/*.h 2>/dev/null | head -1)
objs=""
for src in src/*/*.c src/*/*/*.c; do
	[ -e "$src" ] || continue # a glob with no match
	obj="$OUT/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
	if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_h" -nt "$obj" ]; then
		$CC $BASE $SAN -fsanitize=fuzzer-no-link -c -o "$obj" "$src"
	fi
	objs="$objs $obj"
done
rm -f "$OUT/libvigil-fuzz.a"
ar rcs "$OUT/libvigil-fuzz.a" $objs

status=0
for f in tests/fuzz/fuzz_*.c; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .c)
	echo "== $name"
	if ! $CC $BASE $SAN -fsanitize=fuzzer -o "$OUT/$name" "$f" "$OUT/libvigil-fuzz.a" $LIBS; then
		echo "FAIL: $name does not build"
		status=1
		continue
	fi
	corpus="$OUT/corpus-$name"
	mkdir -p "$corpus"
	if [ -d "tests/fuzz/seeds/$name" ]; then
		cp tests/fuzz/seeds/"$name"/* "$corpus"/ 2>/dev/null || true
	fi
	if ! "$OUT/$name" -max_total_time="$SECS" -timeout=10 \
		-artifact_prefix="$OUT/$name-" "$corpus" >"$OUT/$name.log" 2>&1; then
		tail -30 "$OUT/$name.log"
		echo "FAIL: $name crashed (artifacts in $OUT/)"
		status=1
	else
		tail -1 "$OUT/$name.log"
	fi
done
exit $status
