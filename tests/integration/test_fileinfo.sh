# fileinfo events for the files HTTP responses carry: one per response
# body, server first, with the transaction's http object; digests only
# when asked for (files: force-hash), and a filemd5 rule that lists the
# logged digest alerts on the same file.
. "$(dirname "$0")/lib.sh"
make_sample "$TMP/s.pcap"
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP" 2>"$TMP/err" || fail "exit $?: $(cat "$TMP/err")"
python3 - "$TMP/eve.json" <<'PY' || fail "default fileinfo"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
files = [e for e in ev if e["event_type"] == "fileinfo"]
http = [e for e in ev if e["event_type"] == "http" and e["http"].get("length", 0) > 0]
assert files and len(files) == len(http), (len(files), len(http))
for f in files:
    fi = f["fileinfo"]
    assert f["src_port"] == 80 and f["app_proto"] == "http", f
    assert fi["state"] == "CLOSED" and fi["stored"] is False and fi["gaps"] is False, fi
    assert fi["filename"] == f["http"]["url"].split("?")[0], fi
    assert fi["size"] > 0 and "tx_id" in fi, fi
    assert not any(k in fi for k in ("md5", "sha1", "sha256")), "digests without force-hash"
PY
cat >"$TMP/hash.yaml" <<'Y'
outputs:
  - eve-log:
      enabled: yes
      filename: eve.json
      types:
        - alert
        - files:
            force-hash: [md5, sha256]
Y
mkdir "$TMP/h"
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP/h" -c "$TMP/hash.yaml" 2>"$TMP/err" || fail "hash run: $(cat "$TMP/err")"
want=$(python3 - "$TMP/h/eve.json" "$TMP/md5.list" <<'PY'
import json, re, sys
files = [json.loads(l) for l in open(sys.argv[1])]
files = [e["fileinfo"] for e in files if e["event_type"] == "fileinfo"]
assert files
for fi in files:
    assert re.fullmatch(r"[0-9a-f]{32}", fi["md5"]) and re.fullmatch(r"[0-9a-f]{64}", fi["sha256"]), fi
    assert "sha1" not in fi, fi
open(sys.argv[2], "w").write("# first file\n%s\n" % files[0]["md5"])
print(sum(fi["md5"] == files[0]["md5"] for fi in files))
PY
) || fail "force-hash"
echo "alert http any any -> any any (msg:\"listed file\"; filemd5:$TMP/md5.list; sid:1;)" >"$TMP/r.rules"
mkdir "$TMP/r"
"$VIGIL_BIN" -r "$TMP/s.pcap" -l "$TMP/r" -S "$TMP/r.rules" 2>"$TMP/err" || fail "rule run: $(cat "$TMP/err")"
n=$(count_events "$TMP/r/eve.json" 'e["event_type"]=="alert" and e["alert"]["signature_id"]==1')
[ "$n" -eq "$want" ] || fail "filemd5 rule: $n alerts, want $want (the files with the listed digest)"
echo ok
