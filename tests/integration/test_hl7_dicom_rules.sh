# HL7 and DICOM end to end: the hospital scenario's flows are recognised
# (hl7 on 2575, dicom on 104), every hl7.* / dicom.* buffer and
# dicom.command fires as often as the transactions say, a PID rule fires
# while no EVE hl7 object (event or alert) carries patient data, C-STORE
# data sets are fileinfo events named by their SOP instance; crafted flows
# raise app-layer events (hl7 missing_msh / unterminated_frame on a
# non-standard port, dicom malformed_pdv) that rules and EVE anomalies see.
. "$(dirname "$0")/lib.sh"
"$VIGIL_BIN" scenario write hospital-ransomware --seed 1 -o "$TMP/h.pcap" >/dev/null || fail "scenario"
cat >"$TMP/r.rules" <<'R'
alert hl7 any any -> any any (msg:"ORU"; hl7.msg_type; content:"ORU^R01"; bsize:7; sid:1;)
alert hl7 any any -> any any (msg:"PID"; flow:to_server; hl7.segment; content:"PID|7c|"; startswith; sid:2;)
alert hl7 any any -> any any (msg:"LAB"; hl7.sending_app; content:"LAB"; bsize:3; sid:3;)
alert hl7 any any -> any any (msg:"msh"; hl7.msh; content:"MSH|7c 5e 7e 5c 26 7c|"; startswith; sid:4;)
alert hl7 any any -> any any (msg:"facility"; hl7.sending_facility; content:"STMARYS"; sid:5;)
alert dicom any any -> any any (msg:"calling"; dicom.calling_ae; content:"CT01_SCANNER"; bsize:12; sid:6;)
alert dicom any any -> any any (msg:"called"; dicom.called_ae; content:"PACS_STMARYS"; sid:7;)
alert dicom any any -> any any (msg:"CT class rq"; flow:to_server; dicom.sop_class; content:"1.2.840.10008.5.1.4.1.1.2"; bsize:25; sid:8;)
alert dicom any any -> any any (msg:"store rq"; dicom.command:C-STORE-RQ; sid:9;)
alert dicom any any -> any any (msg:"echo"; dicom.command:"c-echo"; sid:10;)
alert dicom any any -> any any (msg:"store rsp"; dicom.command:0x8001; sid:11;)
alert dicom any any -> any any (msg:"pixel data"; file.data; content:"|e0 7f 10 00|"; sid:12;)
alert hl7 any any -> any any (msg:"no msh"; app-layer-event:hl7.missing_msh; sid:13;)
alert hl7 any any -> any any (msg:"cut"; app-layer-event:hl7.unterminated_frame; sid:14;)
alert dicom any any -> any any (msg:"bad pdv"; app-layer-event:dicom.malformed_pdv; sid:15;)
R
"$VIGIL_BIN" -r "$TMP/h.pcap" -S "$TMP/r.rules" -l "$TMP" 2>"$TMP/err" || fail "exit $?: $(cat "$TMP/err")"
python3 - "$TMP/eve.json" <<'PY' || fail "scenario alerts"
import collections, json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
sids = collections.Counter(e["alert"]["signature_id"] for e in ev if e["event_type"] == "alert")
hl7 = [e for e in ev if e["event_type"] == "hl7"]
dicom = [e["dicom"] for e in ev if e["event_type"] == "dicom"]
assert hl7 and dicom, (len(hl7), len(dicom))
flows = collections.Counter((e["dest_port"], e.get("app_proto")) for e in ev if e["event_type"] == "flow" and e["dest_port"] in (104, 2575))
assert all(p == {104: "dicom", 2575: "hl7"}[d] for d, p in flows), flows
oru = sum(1 for e in hl7 if e["hl7"]["request"]["message_code"] == "ORU")
assert sids[1] == oru, (sids[1], oru)          # the ORU, not its ACK (ACK^R01)
assert sids[2] == len(hl7), (sids[2], len(hl7))  # every message has a PID
assert sids[3] == oru, (sids[3], oru)           # LAB sends the ORUs
assert sids[4] == sids[5] == 2 * len(hl7), (sids[4], sids[5])
assoc = [d for d in dicom if d["type"] == "association"]
stores = [d for d in dicom if d.get("command") == "C-STORE"]
echoes = [d for d in dicom if d.get("command") == "C-ECHO"]
assert sids[6] == sids[7] == len(assoc), (sids[6], sids[7], len(assoc))
ct = sum(1 for a in assoc for p in a["presentation_contexts"] if p["abstract_syntax_name"] == "CT Image Storage")
assert sids[8] == ct + len(stores), (sids[8], ct, len(stores))
assert sids[9] == sids[11] == sids[12] == len(stores) > 0, (sids[9], sids[11], sids[12])
assert sids[10] == 2 * len(echoes) > 0, (sids[10], len(echoes))
assert not (sids[13] or sids[14] or sids[15]), sids
# privacy: no patient data in hl7 objects, events or alerts
for e in ev:
    if "hl7" in e:
        s = json.dumps(e["hl7"])
        assert "PID|" not in s and "ELM ST" not in s and "data" not in e["hl7"]["request"], s
files = [e for e in ev if e["event_type"] == "fileinfo" and e.get("app_proto") == "dicom"]
assert len(files) == len(stores), (len(files), len(stores))
for f in files:
    assert f["fileinfo"]["filename"] == f["dicom"]["sop_instance"], f
    assert f["fileinfo"]["state"] == "CLOSED" and f["fileinfo"]["size"] == f["dicom"]["request"]["dataset_size"], f
PY
python3 - "$TMP/c.pcap" "$(dirname "$0")" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import craft
frames = []
def conv(port, cport, client, server=b""):
    c, s = "10.0.0.1", "192.0.2.7"
    ci, si = 1000, 5000
    frames.extend([
        craft.tcp(c, s, cport, port, "S", seq=ci),
        craft.tcp(s, c, port, cport, "SA", seq=si, ack=ci + 1),
        craft.tcp(c, s, cport, port, "A", seq=ci + 1, ack=si + 1),
        craft.tcp(c, s, cport, port, "PA", seq=ci + 1, ack=si + 1, data=client),
        craft.tcp(s, c, port, cport, "A", seq=si + 1, ack=ci + 1 + len(client)),
        craft.tcp(c, s, cport, port, "FA", seq=ci + 1 + len(client), ack=si + 1),
        craft.tcp(s, c, port, cport, "FA", seq=si + 1, ack=ci + 2 + len(client)),
        craft.tcp(c, s, cport, port, "A", seq=ci + 2 + len(client), ack=si + 2),
    ])
# HL7 on a port that is not 2575: found by its pattern; a good message,
# then a frame with no MSH, then one cut by the end of the flow
good = b"\x0bMSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5\rPID|1||42\r\x1c\r"
conv(6661, 40001, good + b"\x0bEVN|A01\r\x1c\r" + good[:30])
# DICOM: an A-ASSOCIATE-RQ of the scenario's shape, then a P-DATA-TF
# whose PDV claims more than its PDU
ae = lambda t: t.ljust(16).encode()
item = lambda t, v: bytes([t, 0]) + len(v).to_bytes(2, "big") + v
pc = item(0x20, bytes([1, 0, 0, 0]) + item(0x30, b"1.2.840.10008.1.1") + item(0x40, b"1.2.840.10008.1.2"))
body = (1).to_bytes(2, "big") + bytes(2) + ae("PACS") + ae("MODALITY") + bytes(32) + item(0x10, b"1.2.840.10008.3.1.1.1") + pc
rq = bytes([1, 0]) + len(body).to_bytes(4, "big") + body
pdata = bytes([4, 0]) + (8).to_bytes(4, "big") + (200).to_bytes(4, "big") + bytes([1, 3, 0, 0])
conv(104, 40002, rq + pdata)
craft.write(sys.argv[1], frames, step=0.01)
PY
mkdir -p "$TMP/c"
"$VIGIL_BIN" -r "$TMP/c.pcap" -S "$TMP/r.rules" -l "$TMP/c" 2>"$TMP/err" || fail "exit $?: $(cat "$TMP/err")"
python3 - "$TMP/c/eve.json" <<'PY' || fail "crafted events"
import collections, json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
sids = collections.Counter(e["alert"]["signature_id"] for e in ev if e["event_type"] == "alert")
assert sids[13] == 1 and sids[14] == 1 and sids[15] == 1, sids
flows = {e["dest_port"]: e.get("app_proto") for e in ev if e["event_type"] == "flow"}
assert flows == {6661: "hl7", 104: "dicom"}, flows
hl7 = [e["hl7"]["request"] for e in ev if e["event_type"] == "hl7"]
assert [m.get("message_type") for m in hl7] == ["ADT^A01", None, "AD"], hl7  # the last one cut
assert hl7[0]["segments"] == ["MSH", "PID"] and hl7[1]["segments"] == ["EVN"], hl7
an = [e["anomaly"] for e in ev if e["event_type"] == "anomaly"]
names = sorted(a.get("event", "") for a in an)
assert any("missing_msh" in n.lower() for n in names) and any("malformed_pdv" in n.lower() for n in names), an
PY
echo "PASS: hl7/dicom rules, events, privacy, files"
