#!/usr/bin/env bash
# vigil's EVE `bacnet` and `stratum` events against Wireshark's dissection
# of the same captures: ../shared's BACnet capture, a crafted one covering
# the shapes it lacks (routing, network messages, Forwarded-NPDU, who-Is /
# i-Am, writeProperty + Error, readPropertyMultiple + Reject, Abort,
# Simple-ACKs, foreign-device registration, a bad NPDU version), and the
# crypto-theft scenario's Stratum session (tshark's JSON dissector by
# decode-as on the pool port).  tshark's fields are turned into
# transactions the way the protocols define them (a confirmed request and
# the reply with its invoke id / a JSON-RPC request and the reply with
# its id), independently of vigil, and compared field by field in order
# per flow.  Fails below 99% agreement on the fields both produce (a
# transaction only one side has counts as disagreement); prints the
# figures per protocol.  Skips without tshark or ../shared.
source "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null 2>&1 || skip "tshark not installed"
SHARED=${SHARED:-../shared}
BACNET_PCAP="$SHARED/data/pcaps/ics/BACnet/bacnet_test.pcap"
[ -r "$BACNET_PCAP" ] || skip "no $BACNET_PCAP"
HERE=$(cd "$(dirname "$0")" && pwd)

# ---- the crafted BACnet capture (standard encodings, ASHRAE 135) ----
python3 - "$TMP/bacnet_crafted.pcap" "$HERE" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import craft
C, S, B = "10.0.0.1", "10.0.0.2", "10.0.0.255"
msgs = [  # (from client?, hex)
    (True, "810b000c0120ffff00ff1008"),                        # who-Is, DNET 65535, broadcast
    (False, "810b00140100" "1000c4020000c82205c49100210f"),       # i-Am device 200
    (True, "810a001a0104" "0005070f0c008000011955" "3e4442c800003f" "4910"),  # writeProperty AV1 present-value 100.0
    (False, "810a000d0100" "50070f91029128"),                    # Error property/write-access-denied
    (True, "810a001a0124000501" "0aff" "0005080e0c020000641e094d091c1f"),  # RPM via DNET 5
    (False, "810a000d0108000501" "0a" "600804"),                 # Reject from SNET 5
    (True, "810a00110104" "0005090c0c000000031955"),             # readProperty AI3
    (False, "810a00090100" "710905"),                            # Abort (server)
    (True, "810a000e0104" "00050a110900" "1901"),                # deviceCommunicationControl
    (False, "810a00090100" "200a11"),                            # Simple-ACK
    (True, "810a000c0104" "00050b140900"),                       # reinitializeDevice
    (False, "810a00090100" "200b14"),                            # Simple-ACK
    (True, "810a00110104" "00050c050912" "1c00000001"),          # subscribeCOV AI1
    (False, "810a00090100" "200c05"),                            # Simple-ACK
    (True, "810b0007" "018000"),                                 # who-is-router-to-network
    (False, "8104001a" "c0a8010abac0" "0100" "1000c4020000c82205c49100210f"),  # Forwarded i-Am
    (True, "81050006003c"),                                      # Register-Foreign-Device 60 s
    (False, "810000060030"),                                     # BVLC-Result NAK
    (True, "810a0008" "0200" "1008"),                            # NPDU version 2
    (True, "810a00110104" "00050d0c0c020000c81970"),             # readProperty device 200 system-status
    (False, "810a00160100" "300d0c0c020000c81970" "3e73006f6b3f"),  # its Complex-ACK, "ok"
]
pkts = []
for to_server, h in msgs:
    d = bytes.fromhex(h)
    assert (d[2] << 8 | d[3]) == len(d), h
    src, dst = (C, S) if to_server else (S, C)
    pkts.append(craft.udp(src, dst, 47808, 47808, d))
craft.write(sys.argv[1], pkts)
PY

"$VIGIL_BIN" scenario write crypto-theft -o "$TMP/crypto.pcap" --seed 7 >/dev/null ||
	fail "scenario write failed"

run_vigil() { # PCAP OUTDIR
	mkdir -p "$2"
	"$VIGIL_BIN" -r "$1" -l "$2" --no-progress >/dev/null 2>&1 || fail "vigil failed on $1"
}
run_vigil "$BACNET_PCAP" "$TMP/b1"
run_vigil "$TMP/bacnet_crafted.pcap" "$TMP/b2"
run_vigil "$TMP/crypto.pcap" "$TMP/s1"
# nDPI's public test captures, when the reference corpus is there: BACnet
# scans and broadcasts; a Stratum pool on 3333 and an Ethereum proxy on 9999
NDPI="$SHARED/reference/captures/ntop+nDPI/tests/cfgs/default/pcap"
B3=0
S2=0
if [ -r "$NDPI/bacnet.pcap" ]; then
	run_vigil "$NDPI/bacnet.pcap" "$TMP/b3"
	B3=1
fi
if [ -r "$NDPI/mining.pcapng" ]; then
	run_vigil "$NDPI/mining.pcapng" "$TMP/s2"
	S2=1
fi

BF=(frame.number ip.src ip.dst udp.srcport udp.dstport bvlc.type bvlc.function bvlc.result
	bacnet.version bacnet.control bacnet.dnet bacnet.snet bacnet.hopc bacnet.mesgtyp bacnet.vendor
	bacapp.type bacapp.invoke_id bacapp.confirmed_service bacapp.unconfirmed_service
	bacapp.objectType bacapp.instance_number bacapp.property_identifier bacapp.error_class
	bacapp.error_code bacapp.reject_reason bacapp.abort_reason)
tshark_fields() { # PCAP OUT FILTER DECODE-AS FIELDS...
	local pcap=$1 out=$2 filter=$3 decode=$4
	shift 4
	local args=()
	for f in "$@"; do args+=(-e "$f"); done
	tshark -r "$pcap" ${decode:+-d "$decode"} -Y "$filter" -T fields -E separator=$'\t' \
		-E aggregator=$'\x1f' -E occurrence=a "${args[@]}" >"$out" 2>/dev/null ||
		fail "tshark failed on $pcap"
}
tshark_fields "$BACNET_PCAP" "$TMP/b1.tsv" bvlc "" "${BF[@]}"
tshark_fields "$TMP/bacnet_crafted.pcap" "$TMP/b2.tsv" bvlc "" "${BF[@]}"
# Stratum: every data segment of the pool ports, with tshark's JSON
# dissection of it (one object per segment: tshark's JSON dissector does
# not reassemble lines, so a line split over segments, or several in one,
# is framed by the test and its fields are not compared)
SF=(frame.number ip.src ip.dst tcp.srcport tcp.dstport tcp.seq tcp.payload json.path_with_value)
strat_fields() { # PCAP OUT PORT...
	local pcap=$1 out=$2
	shift 2
	local dec=() flt=""
	for port in "$@"; do
		dec+=(-d "tcp.port==$port,json")
		flt="${flt:+$flt || }tcp.port == $port"
	done
	local args=()
	for f in "${SF[@]}"; do args+=(-e "$f"); done
	tshark -r "$pcap" "${dec[@]}" -o tcp.relative_sequence_numbers:TRUE \
		-Y "tcp.len > 0 && ($flt)" -T fields -E separator=$'\t' -E aggregator=$'\x1f' \
		-E occurrence=a "${args[@]}" >"$out" 2>/dev/null || fail "tshark failed on $pcap"
}
strat_fields "$TMP/crypto.pcap" "$TMP/s1.tsv" 3333
if [ $B3 = 1 ]; then
	tshark_fields "$NDPI/bacnet.pcap" "$TMP/b3.tsv" bvlc "" "${BF[@]}"
fi
if [ $S2 = 1 ]; then
	strat_fields "$NDPI/mining.pcapng" "$TMP/s2.tsv" 3333 9999
fi

python3 - "$TMP" "${BF[*]}" <<'PY'
import json, os, sys
tmp, bfields = sys.argv[1], sys.argv[2].split()

def num(v):
    if v is None or v == "":
        return None
    try:
        return int(v, 0)
    except ValueError:
        return v

# ---------------------------------------------------------------- BACnet
def bac_tshark(path):
    out = []
    for line in open(path):
        cols = line.rstrip("\n").split("\t")
        f = dict(zip(bfields, cols))
        first = {k: num(v.split("\x1f")[0]) if v else None for k, v in f.items()}
        pdu = first["bacapp.type"]
        svc = first["bacapp.confirmed_service"]
        if pdu == 1:
            svc = first["bacapp.unconfirmed_service"]
        reason = first["bacapp.reject_reason"] if pdu == 6 else (
            first["bacapp.abort_reason"] if pdu == 7 else None)
        m = {
            "bvlc_type": first["bvlc.type"], "bvlc_function": first["bvlc.function"],
            "bvlc_result": first["bvlc.result"], "npdu_version": first["bacnet.version"],
            "npdu_control": first["bacnet.control"], "dnet": first["bacnet.dnet"],
            "snet": first["bacnet.snet"], "hop_count": first["bacnet.hopc"],
            "nmsg": first["bacnet.mesgtyp"], "vendor": first["bacnet.vendor"],
            "pdu_type": pdu, "invoke_id": first["bacapp.invoke_id"], "service": svc,
            "object_type": first["bacapp.objectType"],
            "instance": first["bacapp.instance_number"],
            "property": first["bacapp.property_identifier"],
            "error_class": first["bacapp.error_class"], "error_code": first["bacapp.error_code"],
            "reason": reason,
        }
        ends = ((f["ip.src"], f["udp.srcport"]), (f["ip.dst"], f["udp.dstport"]))
        out.append((frozenset(ends), ends[0], m))
    # transactions, as ASHRAE 135 pairs them: a reply goes to the open
    # confirmed request of the other direction with its invoke id
    flows = {}
    for key, src, m in out:
        fl = flows.setdefault(key, {"client": src, "txs": []})
        d = 0 if src == fl["client"] else 1
        if m["pdu_type"] in (2, 3, 4, 5, 6, 7) and m["invoke_id"] is not None:
            for tx in fl["txs"]:
                r = tx.get("request")
                if (r and tx["dir"] != d and "response" not in tx and not tx.get("done")
                        and r["pdu_type"] == 0 and r["invoke_id"] == m["invoke_id"]):
                    tx["response"] = m
                    break
            else:
                fl["txs"].append({"dir": d, "response": m})
            continue
        if m["pdu_type"] == 0:
            for tx in fl["txs"]:
                r = tx.get("request")
                if (r and tx["dir"] == d and "response" not in tx and r["pdu_type"] == 0
                        and r["invoke_id"] == m["invoke_id"]):
                    tx["done"] = True
        fl["txs"].append({"dir": d, "request": m})
    return flows

def bac_vigil_msg(o):
    b, n, a = o.get("bvlc", {}), o.get("npdu", {}), o.get("apdu", {})
    obj = a.get("object", {})
    return {
        "bvlc_type": b.get("type"), "bvlc_function": b.get("function_id"),
        "bvlc_result": b.get("result"), "npdu_version": n.get("version"),
        "npdu_control": n.get("control"), "dnet": n.get("dnet"), "snet": n.get("snet"),
        "hop_count": n.get("hop_count"), "nmsg": n.get("message_type_id"),
        "vendor": n.get("vendor_id"), "pdu_type": a.get("pdu_type_id"),
        "invoke_id": a.get("invoke_id"), "service": a.get("service_id"),
        "object_type": obj.get("type_id"), "instance": obj.get("instance"),
        "property": a.get("property_id"), "error_class": a.get("error_class"),
        "error_code": a.get("error_code"), "reason": a.get("reason"),
    }

def eve_flows(path, etype, conv):
    """Transactions per endpoint pair, in order: a pair's flows (a UDP flow
    that timed out and came back is a new flow) by their first event."""
    flows, first, ends = {}, {}, {}
    for line in open(path):
        e = json.loads(line)
        if e.get("event_type") != etype:
            continue
        fid = e["flow_id"]
        ends[fid] = frozenset(((e["src_ip"], str(e["src_port"])), (e["dest_ip"], str(e["dest_port"]))))
        first.setdefault(fid, e["timestamp"])
        flows.setdefault(fid, []).append((e["tx_id"], conv(e[etype])))
    out = {}
    for fid in sorted(flows, key=lambda f: first[f]):
        out.setdefault(ends[fid], []).extend(t for _, t in sorted(flows[fid], key=lambda x: x[0]))
    return out

def align(tt, vt, keyfn):
    """Pairs transactions by keyfn and occurrence (the k-th with a key on
    each side); unmatched ones pair with nothing.  For TCP, where the
    stream stage hands a direction's data over once it is acknowledged,
    transactions of the two directions may be made in another order than
    the frames show; within a direction the order holds."""
    seen, index = {}, {}
    for j, t in enumerate(vt):
        k = keyfn(t)
        n = seen[k] = seen.get(k, -1) + 1
        index[(k, n)] = j
    seen, pairs, used = {}, [], set()
    for t in tt:
        k = keyfn(t)
        if k is None:  # not comparable: no key
            pairs.append((t, {}))
            continue
        n = seen[k] = seen.get(k, -1) + 1
        j = index.get((k, n))
        if j is not None:
            used.add(j)
        pairs.append((t, vt[j] if j is not None else {}))
    pairs += [({}, t) for j, t in enumerate(vt) if j not in used and keyfn(t) is not None]
    return pairs

def compare(name, ts_flows, vg_flows, roles, keyfn=None):
    agree = total = only_ts = only_vg = ntx = skipped = 0
    diffs = []
    for key in ts_flows:  # vigil's flows on ports tshark did not decode are not compared
        tt = ts_flows.get(key, [])
        vt = vg_flows.get(key, [])
        if keyfn is not None:
            pairs = align(tt, vt, keyfn)
            tt, vt = [p[0] for p in pairs], [p[1] for p in pairs]
        for i in range(max(len(tt), len(vt))):
            ntx += 1
            a = tt[i] if i < len(tt) else {}
            b = vt[i] if i < len(vt) else {}
            for role in roles:
                ma, mb = a.get(role), b.get(role)
                if ma is None and mb is None:
                    continue
                if ma is not None and ma.get("uncompared"):
                    skipped += 1
                    if mb is None:
                        diffs.append((i, role, "message only in tshark"))
                        total += 1
                    continue
                if ma is None or mb is None:  # a message only one side has
                    total += sum(1 for v in (ma or mb).values() if v is not None)
                    diffs.append((i, role, "message only in " + ("vigil" if ma is None else "tshark")))
                    continue
                for k in ma:
                    x, y = ma[k], mb.get(k)
                    if x is None and y is None:
                        continue
                    if x is None:
                        only_vg += 1
                        continue
                    if y is None:
                        only_ts += 1
                        diffs.append((i, role, k, x, "(vigil: none)"))
                        continue
                    total += 1
                    if x == y:
                        agree += 1
                    else:
                        diffs.append((i, role, k, x, y))
    pct = 100.0 * agree / total if total else 0.0
    print(f"{name}: {agree}/{total} fields agree ({pct:.2f}%) over {ntx} transactions; "
          f"fields only tshark gives: {only_ts}, only vigil: {only_vg}; "
          f"messages tshark could not dissect (framing only): {skipped}")
    for d in diffs[:10]:
        print("  differs:", d)
    return pct, total

def bac_tx(o):
    return {r: bac_vigil_msg(o[r]) for r in ("request", "response") if r in o}

ts, vg = {}, {}
for tag in ("b1", "b2", "b3"):
    if not os.path.exists(f"{tmp}/{tag}.tsv"):
        continue
    for k, v in bac_tshark(f"{tmp}/{tag}.tsv").items():
        ts[k] = [{r: tx[r] for r in ("request", "response") if r in tx} for tx in v["txs"]]
    vg.update(eve_flows(f"{tmp}/{tag}/eve.json", "bacnet", bac_tx))
bpct, btotal = compare("bacnet", ts, vg, ("request", "response"))

# ---------------------------------------------------------------- Stratum
def jtext(v):
    """A JSON value as tshark shows a scalar: strings bare, numbers as sent."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)

def strat_msg_tshark(pv):
    vals = {}
    for item in pv.split("\x1f"):
        p, _, v = item.partition(":")
        vals.setdefault(p, []).append(v)
    one = lambda p: vals[p][0] if p in vals and len(vals[p]) == 1 else None
    params = vals.get("/params/[]", [])
    method = one("/method")
    m = {"method": method, "id": one("/id"), "worker": None, "agent": None, "job_id": None,
         "difficulty": None, "result": one("/result"), "error": one("/error")}
    if m["id"] == "null":
        m["id"] = None
    if method in ("mining.authorize", "mining.submit", "eth_submitLogin") and params:
        m["worker"] = params[0]
    if method == "mining.subscribe" and params:
        m["agent"] = params[0]
    if method == "mining.notify" and params:
        m["job_id"] = params[0]
    if method == "mining.submit" and len(params) > 1:
        m["job_id"] = params[1]
    if method in ("mining.set_difficulty", "mining.suggest_difficulty") and params:
        m["difficulty"] = float(params[0])
    return m

def strat_lines(path):
    """(endpoints, source, message) per line.  Each direction is framed from
    its segments in sequence order (segments captured out of order are put
    back in place, retransmitted bytes dropped, as the stream stage does);
    the lines of both directions then follow the frame that completed
    them.  A line that is exactly one segment takes tshark's JSON fields;
    any other is only framed (method and id, for pairing, from Python's
    json) and marked uncompared."""
    by_dir = {}
    for line in open(path):
        fn, src, dst, sp, dp, seq, payload, pv = (line.rstrip("\n").split("\t") + [""] * 8)[:8]
        ends = ((src, sp), (dst, dp))
        by_dir.setdefault(ends, []).append((int(seq), int(fn), payload, pv))
    lines = []
    for ends, segs in by_dir.items():
        segs.sort()
        nxt, buf, last = None, b"", 0
        for seq, fn, payload, pv in segs:
            data = bytes.fromhex(payload.replace(":", ""))
            if nxt is not None and seq < nxt:
                continue  # retransmission
            if nxt is not None and seq > nxt:
                buf = b""  # bytes missing: the partial line is lost
            nxt = seq + len(data)
            last = max(last, fn)
            single = buf == b"" and data.endswith(b"\n") and data.count(b"\n") == 1
            *done, buf = (buf + data).split(b"\n")
            for ln in done:
                if not ln.strip():
                    continue
                if single and pv:
                    m = strat_msg_tshark(pv)
                else:
                    try:
                        o = json.loads(ln)
                    except ValueError:
                        continue
                    if not isinstance(o, dict):
                        continue
                    idv = o.get("id")
                    meth = o.get("method")
                    m = {"method": meth if isinstance(meth, str) else None,
                         "id": None if idv is None else str(idv), "uncompared": True}
                lines.append((last, frozenset(ends), ends, m))
    lines.sort(key=lambda x: x[0])
    return [(key, ends[0], m) for _, key, ends, m in lines]

def strat_tshark(path):
    """JSON-RPC transactions: a reply joins the open request of the other
    direction with its id; everything else stands alone."""
    flows = {}
    for key, src, m in strat_lines(path):
        fl = flows.setdefault(key, {"client": src, "txs": []})
        d = 0 if src == fl["client"] else 1
        if m["method"] is None:
            for tx in fl["txs"]:
                if (tx["dir"] != d and tx["id"] is not None and tx["id"] == m["id"]
                        and "reply" not in tx and "msg" in tx):
                    tx["reply"] = m
                    break
            else:
                fl["txs"].append({"dir": d, "id": m["id"], "reply": m})
        else:
            fl["txs"].append({"dir": d, "id": m["id"], "msg": m})
    out = {}
    for k, fl in flows.items():
        lst = []
        for tx in fl["txs"]:
            msg, rep = tx.get("msg"), tx.get("reply")
            if (msg or rep).get("uncompared") or (rep is not None and rep.get("uncompared")):
                lst.append({"tx": {"uncompared": True,
                                   "framing": ((msg or rep).get("method"), tx["id"])}})
                continue
            t = dict(msg) if msg else {k2: None for k2 in rep}
            t["id"] = tx["id"]
            t["result"] = t["error"] = None
            if rep:
                t["result"], t["error"] = rep["result"], rep["error"]
            lst.append({"tx": t})
        out[k] = lst
    return out

def strat_vigil(o):
    idv = o.get("id")
    scalar = lambda k: jtext(o[k]) if k in o and not isinstance(o[k], (list, dict)) else None
    return {"tx": {
        "method": o.get("method"), "id": None if idv is None else jtext(idv),
        "worker": o.get("worker"), "agent": o.get("agent"), "job_id": o.get("job_id"),
        "difficulty": None if o.get("difficulty") is None else float(o["difficulty"]),
        # tshark shows only scalar results and errors as one value
        "result": scalar("result"), "error": scalar("error"),
    }}

ts, vg = {}, {}
for tag in ("s1", "s2"):
    if not os.path.exists(f"{tmp}/{tag}.tsv"):
        continue
    ts.update(strat_tshark(f"{tmp}/{tag}.tsv"))
    vg.update(eve_flows(f"{tmp}/{tag}/eve.json", "stratum", strat_vigil))
def strat_key(t):
    m = t.get("tx", {})
    if m.get("uncompared"):
        return m.get("framing")
    return (m.get("method"), m.get("id"))
spct, stotal = compare("stratum", ts, vg, ("tx",), strat_key)
ok = True
for name, pct, total in (("bacnet", bpct, btotal), ("stratum", spct, stotal)):
    if total < 50:
        print(f"FAIL: {name}: only {total} comparable fields")
        ok = False
    elif pct < 99.0:
        print(f"FAIL: {name}: agreement {pct:.2f}% < 99%")
        ok = False
sys.exit(0 if ok else 1)
PY
echo "PASS: vigil's bacnet and stratum events agree with tshark"
