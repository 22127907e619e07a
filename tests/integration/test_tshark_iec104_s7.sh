#!/usr/bin/env bash
# vigil's EVE iec104 and s7comm events against Wireshark's dissection
# (tshark) of the same captures: the IEC 104 and S7comm captures under
# ../shared/data/pcaps/ics, nDPI's iec60780-5-104.pcap and s7comm.pcap
# from ../shared/reference, and the grid-manipulation scenario (IEC 104).
# For each field both produce (IEC 104: APCI type, U function, send and
# receive numbers, ASDU type id, cause, originator, common address, IOAs;
# S7comm: ROSCTR, PDU reference, function, error class and code, item
# syntax id, area, DB, userdata function group) the values of all
# frames are compared as multisets (EVE events carry no frame number);
# agreement = matched / the larger count.  Captures where tshark finds
# TCP segments missing (tcp.analysis.lost_segment: filtered captures) are
# compared too but kept out of the threshold: tshark dissects each frame
# alone, a reassembling sensor cannot always resume after the hole.
# Fails below 99% per protocol on the complete captures; prints the
# agreement per protocol and field, and over all captures.  Skips without tshark or
# ../shared.
source "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null 2>&1 || skip "tshark not installed"
SHARED="${SHARED_DIR:-$(dirname "$0")/../../../shared}"
ICS="$SHARED/data/pcaps/ics"
[ -d "$ICS" ] || skip "../shared not present: no ICS captures"

cat >"$TMP/vigil.yaml" <<'EOF'
%YAML 1.1
---
outputs:
  - eve-log:
      enabled: yes
      filetype: regular
      filename: eve.json
      types:
        - iec104
        - s7comm
stream:
  midstream: true
EOF

"$VIGIL_BIN" scenario write grid-manipulation -o "$TMP/grid.pcap" --seed 7 >/dev/null ||
	fail "scenario write failed"
# nDPI's test captures of the reference corpus, when present
NDPI="$SHARED/reference/captures/ntop+nDPI/tests/cfgs/default/pcap"
IEC=("$ICS"/IEC60870-5-104/*.pcap "$TMP/grid.pcap")
S7=("$ICS"/s7/*.pcap "$ICS"/s7/*.pcapng)
[ -f "$NDPI/iec60780-5-104.pcap" ] && IEC+=("$NDPI/iec60780-5-104.pcap")
[ -f "$NDPI/s7comm.pcap" ] && S7+=("$NDPI/s7comm.pcap")

n=0
for f in "${IEC[@]}" "${S7[@]}"; do
	n=$((n + 1))
	mkdir -p "$TMP/out$n"
	"$VIGIL_BIN" -c "$TMP/vigil.yaml" -r "$f" -l "$TMP/out$n" >/dev/null 2>&1 || fail "vigil failed on $f"
done

IEC_FIELDS=(-e iec60870_104.type -e iec60870_104.utype -e iec60870_104.tx -e iec60870_104.rx
	-e iec60870_asdu.typeid -e iec60870_asdu.causetx -e iec60870_asdu.oa -e iec60870_asdu.addr
	-e iec60870_asdu.ioa)
S7_FIELDS=(-e s7comm.header.rosctr -e s7comm.header.pduref -e s7comm.param.func
	-e s7comm.header.errcls -e s7comm.header.errcod -e s7comm.param.item.syntaxid
	-e s7comm.param.item.area -e s7comm.param.item.db -e s7comm.param.userdata.funcgroup)
n=0
for f in "${IEC[@]}"; do
	n=$((n + 1))
	tshark -r "$f" -d tcp.port==2404,iec60870_104 -Y iec60870_104 -T fields -E separator='|' \
		-E occurrence=a -E aggregator=, "${IEC_FIELDS[@]}" >"$TMP/out$n/tshark.txt" 2>/dev/null ||
		fail "tshark failed on $f"
	echo iec104 >"$TMP/out$n/proto"
	[ "$(tshark -r "$f" -Y tcp.analysis.lost_segment 2>/dev/null | wc -l)" -eq 0 ] || touch "$TMP/out$n/lossy"
done
for f in "${S7[@]}"; do
	n=$((n + 1))
	tshark -r "$f" -Y s7comm -T fields -E separator='|' -E occurrence=a -E aggregator=, \
		"${S7_FIELDS[@]}" >"$TMP/out$n/tshark.txt" 2>/dev/null || fail "tshark failed on $f"
	echo s7comm >"$TMP/out$n/proto"
	[ "$(tshark -r "$f" -Y tcp.analysis.lost_segment 2>/dev/null | wc -l)" -eq 0 ] || touch "$TMP/out$n/lossy"
done

python3 - "$TMP" <<'PY' || fail "vigil and tshark disagree"
import collections, glob, json, os, sys

IEC = ["apci_type", "u_function", "tx", "rx", "type_id", "cot", "oa", "ca", "ioa"]
S7 = ["rosctr", "pdu_ref", "function", "error_class", "error_code", "syntax_id", "area", "db",
      "function_group"]
# Wireshark's U-frame codes (the control octet's function bits >> 2)
UFUNC = {"startdt_act": 1, "startdt_con": 2, "stopdt_act": 4, "stopdt_con": 8,
         "testfr_act": 16, "testfr_con": 32}
APCI = {"I": 0, "S": 1, "U": 3}

def num(v):
    return int(v, 0)

# vigil does not decode the items of userdata data parts (cyclic data,
# alarm queries): Wireshark's items of userdata frames are left out.
USERDATA_ITEMS = ("syntax_id", "area", "db")

def tshark_counts(path, names):
    c = {k: collections.Counter() for k in names}
    for line in open(path, encoding="utf-8", errors="replace"):
        f = line.rstrip("\n").split("|")
        userdata = names[0] == "rosctr" and f[0] == "7"
        for k, v in zip(names, f):
            if userdata and k in USERDATA_ITEMS:
                continue
            for x in v.split(","):
                if x != "":
                    c[k][num(x)] += 1
    return c

def add(c, k, v):
    if v is not None:
        c[k][v] += 1

def vigil_iec(path):
    c = {k: collections.Counter() for k in IEC}
    for line in open(path):
        e = json.loads(line)
        if e.get("event_type") != "iec104":
            continue
        a = e["iec104"]["apci"]
        add(c, "apci_type", APCI.get(a.get("type")))
        add(c, "u_function", UFUNC.get(a.get("u_function")))
        if "u_function_code" in a:
            add(c, "u_function", a["u_function_code"] >> 2)
        add(c, "tx", a.get("tx"))
        add(c, "rx", a.get("rx"))
        s = e["iec104"].get("asdu")
        if s is None:
            continue
        for k, ek in (("type_id", "type_id"), ("cot", "cot"), ("oa", "oa"), ("ca", "ca")):
            add(c, k, s[ek])
        for o in s.get("objects", []):
            add(c, "ioa", o["ioa"])
    return c

def vigil_s7(path):
    c = {k: collections.Counter() for k in S7}
    for line in open(path):
        e = json.loads(line)
        if e.get("event_type") != "s7comm":
            continue
        for side in ("request", "response"):
            p = e["s7comm"].get(side)
            if p is None or "rosctr_code" not in p:
                continue
            add(c, "rosctr", p["rosctr_code"])
            add(c, "pdu_ref", p["pdu_ref"])
            add(c, "function", p.get("function_code"))
            add(c, "error_class", p.get("error_class"))
            add(c, "error_code", p.get("error_code"))
            for it in p.get("items", []):
                add(c, "syntax_id", it["syntax_id"])
                add(c, "area", it.get("area_code"))
                add(c, "db", it.get("db"))
            ud = p.get("userdata")
            if ud is not None:
                add(c, "function_group", ud["function_group_code"])
    return c

tot = {"iec104": {}, "s7comm": {}}
alltot = {"iec104": {}, "s7comm": {}}
for d in sorted(glob.glob(os.path.join(sys.argv[1], "out*"))):
    proto = open(os.path.join(d, "proto")).read().strip()
    lossy = os.path.exists(os.path.join(d, "lossy"))
    names = IEC if proto == "iec104" else S7
    ts = tshark_counts(os.path.join(d, "tshark.txt"), names)
    vg = (vigil_iec if proto == "iec104" else vigil_s7)(os.path.join(d, "eve.json"))
    for k in names:
        a, b = ts[k], vg[k]
        for t in (alltot,) if lossy else (alltot, tot):
            m, big, na, nb = t[proto].get(k, (0, 0, 0, 0))
            m += sum(min(a[v], b[v]) for v in a)
            big += max(sum(a.values()), sum(b.values()))
            t[proto][k] = (m, big, na + sum(a.values()), nb + sum(b.values()))

def summary(fields):
    both = {k: v for k, v in fields.items() if v[2] > 0 and v[3] > 0}
    m = sum(v[0] for v in both.values())
    big = sum(v[1] for v in both.values())
    detail = " ".join("%s=%.1f%%(%d)" % (k, 100.0 * v[0] / v[1], v[1]) for k, v in both.items())
    return (100.0 * m / big if big else 0.0), big, detail

ok = True
for proto in tot:
    pct, big, detail = summary(tot[proto])
    apct, abig, _ = summary(alltot[proto])
    print("%s: %.2f%% agreement over %d values of complete captures [%s]; "
          "%.2f%% over %d values of all captures" % (proto, pct, big, detail, apct, abig))
    if big == 0 or pct < 99.0:
        ok = False
sys.exit(0 if ok else 1)
PY
echo "PASS: vigil's iec104 and s7comm EVE agree with tshark"
