#!/usr/bin/env bash
# Threat intelligence on the wire: a STIX 2.1 bundle, a MISP event and a
# CSV feed whose indicators (picked from captures under ../shared) raise
# the built-in intel alerts with their provenance and TLP; expired
# indicators do not; malformed entries are reported by file and object
# id / line and the rest loads; the sightings export is a valid STIX 2.1
# bundle (tests/integration/stix_validate.py) without TLP:RED unless asked.
. "$(dirname "$0")/lib.sh"
[ -d "$SHARED_DIR/data/pcaps/threats" ] || skip "../shared absent: intel feed test skipped"
SV="$SHARED_DIR/conformance/suricata-verify"
CW="$SHARED_DIR/data/pcaps/threats/cryptowall4_c2.pcapng"
EK="$SHARED_DIR/data/pcaps/threats/ek_to_cryptowall4.pcapng"
CS="$SHARED_DIR/data/pcaps/threats/cobaltstrike/https_staging.pcapng"
DNS="$SV/datasets-03-set/input.pcap"
TLS="$SV/feature-5976-zero-stats-01/input.pcap"
for f in "$CW" "$EK" "$CS" "$DNS" "$TLS"; do [ -f "$f" ] || skip "missing $f"; done
HERE=$(cd "$(dirname "$0")" && pwd)
cat >"$TMP/feed.stix.json" <<'EOF'
{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "identity", "spec_version": "2.1", "id": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff", "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "name": "CERT-X", "identity_class": "organization", "sectors": ["government-national"]},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff", "created": "2015-06-01T00:00:00.000Z", "modified": "2015-06-01T00:00:00.000Z", "pattern": "[domain-name:value = 'homealldaylong.com']", "pattern_type": "stix", "valid_from": "2015-06-01T00:00:00Z", "confidence": 80, "object_marking_refs": ["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--0c5ac0a4-7a66-4a0c-8d5e-2a5b0cf3c0a1", "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff", "created": "2015-01-01T00:00:00.000Z", "modified": "2015-01-01T00:00:00.000Z", "pattern": "[ipv4-addr:value = '184.170.149.44']", "pattern_type": "stix", "valid_from": "2015-01-01T00:00:00Z", "valid_until": "2015-01-02T00:00:00Z"},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--2f6f1c4e-1d3b-4b7e-9a57-3c1f7b8e9d10", "created": "2015-06-01T00:00:00.000Z", "modified": "2015-06-01T00:00:00.000Z", "pattern": "[url:value = 'http://homealldaylong.com/76N1Lm.php'] OR [file:hashes.'SHA-256' = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']", "pattern_type": "stix", "valid_from": "2015-06-01T00:00:00Z", "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--3a3a3a3a-1d3b-4b7e-9a57-3c1f7b8e9d10", "created": "2015-06-01T00:00:00.000Z", "modified": "2015-06-01T00:00:00.000Z", "pattern": "[ipv4-addr:value = '10.0.0.1' AND network-traffic:dst_port = 80]", "pattern_type": "stix", "valid_from": "2015-06-01T00:00:00Z"},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--4b4b4b4b-1d3b-4b7e-9a57-3c1f7b8e9d10", "created": "2015-06-01T00:00:00.000Z", "modified": "2015-06-01T00:00:00.000Z", "pattern": "[ipv4-addr:value = '10.0.0.2'", "pattern_type": "stix", "valid_from": "2015-06-01T00:00:00Z"},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--5c5c5c5c-1d3b-4b7e-9a57-3c1f7b8e9d10", "created": "2015-06-01T00:00:00.000Z", "modified": "2015-06-01T00:00:00.000Z", "pattern": "[ipv4-addr:value = '10.0.0.3']", "pattern_type": "stix", "valid_from": "2016-06-01T00:00:00Z", "valid_until": "2015-06-01T00:00:00Z"},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--6d6d6d6d-1d3b-4b7e-9a57-3c1f7b8e9d10", "created": "2015-06-01T00:00:00.000Z", "modified": "2015-06-01T00:00:00.000Z", "pattern": "[file:hashes.MD5 = 'xyz']", "pattern_type": "stix", "valid_from": "2015-06-01T00:00:00Z"}
]}
EOF
cat >"$TMP/feed.misp.json" <<'EOF'
{"Event": {"uuid": "5f1d8a9e-0000-4000-8000-000000000001", "info": "CryptoWall 4 infrastructure", "Orgc": {"name": "CIRCL"},
 "Tag": [{"name": "tlp:green"}],
 "Attribute": [
  {"uuid": "5f1d8a9e-0000-4000-8000-0000000000a1", "type": "ip-dst", "value": "184.170.149.44", "to_ids": true},
  {"uuid": "5f1d8a9e-0000-4000-8000-0000000000a2", "type": "md5", "value": "fe926ca5a09536b96e4b9d512a257f28", "to_ids": true, "Tag": [{"name": "tlp:red"}]},
  {"uuid": "5f1d8a9e-0000-4000-8000-0000000000a3", "type": "domain", "value": "example.com", "to_ids": false},
  {"uuid": "5f1d8a9e-0000-4000-8000-0000000000a4", "type": "btc", "value": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "to_ids": true},
  {"uuid": "5f1d8a9e-0000-4000-8000-0000000000a5", "type": "sha256", "value": "nothex", "to_ids": true}
 ],
 "Object": [{"name": "file", "Attribute": [{"uuid": "5f1d8a9e-0000-4000-8000-0000000000b1", "type": "ja3-fingerprint-md5", "value": "72a589da586844d7f0818ce684948eea", "to_ids": true}]}]
}}
EOF
cat >"$TMP/feed.csv" <<'EOF'
type,value,id,tlp,publisher,confidence,valid_from,valid_until
domain,example.com,row-1,clear,ACME Research,60,2010-01-01,
md5,zzz,row-2,green,,,,
wallet,bc1qxyz,row-3,,,,,
ip,10.0.0.9,row-4,purple,,,,
ip,"10.0.0.10",row-5
EOF
cat >"$TMP/cfg.yaml" <<EOF
intel:
  feeds:
    - file: $TMP/feed.stix.json
      stakeholder: government
    - file: $TMP/feed.misp.json
      stakeholder: civil-society
    - file: $TMP/feed.csv
      name: acme-csv
      stakeholder: private
EOF

# --- loading: counts and malformed entries by file and object id / line
"$VIGIL_BIN" intel load "$TMP/feed.stix.json" "$TMP/feed.misp.json" "$TMP/feed.csv" \
	>"$TMP/load.out" 2>"$TMP/load.err" && fail "intel load: malformed entries must give exit 3"
python3 - "$TMP/load.out" "$TMP/load.err" <<'PY' || fail "intel load report: $(cat "$TMP/load.out" "$TMP/load.err")"
import re, sys
out, err = open(sys.argv[1]).read(), open(sys.argv[2]).read()
def counts(feed):
    m = re.search(feed + r": (\d+) indicators loaded from (\d+) entries \((\d+) malformed, (\d+) unsupported, (\d+) skipped\)", out)
    assert m, feed
    return tuple(int(x) for x in m.groups())
assert counts("feed.stix.json") == (4, 7, 3, 1, 0), counts("feed.stix.json")
assert counts("feed.misp.json") == (3, 6, 1, 1, 1), counts("feed.misp.json")
assert counts("feed.csv") == (1, 5, 3, 1, 0), counts("feed.csv")
for want in [
    "feed.stix.json: object indicator--4b4b4b4b-1d3b-4b7e-9a57-3c1f7b8e9d10: pattern does not parse",
    "feed.stix.json: object indicator--5c5c5c5c-1d3b-4b7e-9a57-3c1f7b8e9d10: valid_until",
    "feed.stix.json: object indicator--6d6d6d6d-1d3b-4b7e-9a57-3c1f7b8e9d10: 'xyz' is not a md5",
    "feed.stix.json: object indicator--3a3a3a3a-1d3b-4b7e-9a57-3c1f7b8e9d10: pattern not matched per value",
    "feed.misp.json: attribute 5f1d8a9e-0000-4000-8000-0000000000a5: 'nothex' is not a sha256",
    "feed.misp.json: attribute 5f1d8a9e-0000-4000-8000-0000000000a4: attribute type 'btc'",
    "feed.csv: line 3: 'zzz' is not a md5",
    "feed.csv: line 5: TLP 'purple'",
    "feed.csv: line 6: 3 fields where the header has 8",
]:
    assert want in err, want
assert re.search(r"8 indicators in memory .*peak RSS", out), out
PY
printf '{"type": "bundle", "objects": [' >"$TMP/bad.json"
"$VIGIL_BIN" intel load --format stix "$TMP/bad.json" >/dev/null 2>"$TMP/bad.err" && fail "bad JSON loads"
grep -q "bad.json:1: not JSON" "$TMP/bad.err" || fail "bad JSON not reported: $(cat "$TMP/bad.err")"

# --- matching: alerts with provenance and TLP
run() { # NAME PCAP
	mkdir "$TMP/$1"
	"$VIGIL_BIN" -c "$TMP/cfg.yaml" -r "$2" -l "$TMP/$1" -k none 2>"$TMP/$1.err" ||
		fail "$1: exit $?: $(tail -3 "$TMP/$1.err")"
}
run cw "$CW"; run ek "$EK"; run cs "$CS"; run dns "$DNS"; run tls "$TLS"
python3 - "$TMP" <<'PY' || fail "intel alerts"
import json, sys
from collections import Counter
def alerts(name):
    ev = [json.loads(l) for l in open(sys.argv[1] + "/" + name + "/eve.json")]
    return [e for e in ev if e["event_type"] == "alert"]
def by_sid(al):
    return Counter(a["alert"]["signature_id"] for a in al)
cw = alerts("cw")
assert by_sid(cw) == {9200001: 6, 9200004: 3, 9200005: 3}, by_sid(cw)
for a in cw:
    i = a["alert"]["context"]["intel"]
    sid = a["alert"]["signature_id"]
    if sid == 9200001:   # the STIX address expired in 2015-01: the MISP one matches
        assert i["indicator"] == "184.170.149.44" and i["feed"] == "feed.misp.json", i
        assert (i["publisher"], i["stakeholder"], i["tlp"]) == ("CIRCL", "civil-society", "green"), i
        assert i["source_id"] == "5f1d8a9e-0000-4000-8000-0000000000a1", i
        assert i["matched_on"] == ("src_ip" if a["src_ip"] == "184.170.149.44" else "dest_ip"), a
    elif sid == 9200004:
        assert a["http"]["hostname"] == "homealldaylong.com", a
        assert i == {"indicator": "homealldaylong.com", "type": "domain-name", "matched_on": "http.host",
                     "feed": "feed.stix.json", "publisher": "CERT-X", "stakeholder": "government",
                     "tlp": "amber", "source_id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                     "confidence": 80, "valid_from": "2015-06-01T00:00:00Z"}, i
    else:
        assert i["type"] == "url" and i["indicator"] == "homealldaylong.com/76N1Lm.php", i
        assert i["tlp"] == "green" and a["http"]["url"].startswith("/76N1Lm.php?"), a
ek = alerts("ek")
f = [a for a in ek if a["alert"]["signature_id"] == 9200006]
assert len(f) == 1, by_sid(ek)
i = f[0]["alert"]["context"]["intel"]
assert (i["indicator"], i["type"], i["tlp"]) == ("fe926ca5a09536b96e4b9d512a257f28", "md5", "red"), i
cs = alerts("cs")
assert by_sid(cs) == {9200007: 4}, by_sid(cs)
assert all(a["alert"]["context"]["intel"]["matched_on"] == "ja3.hash" for a in cs)
dns = alerts("dns")
assert by_sid(dns) == {9200002: 3}, by_sid(dns)
i = dns[0]["alert"]["context"]["intel"]
assert (i["feed"], i["publisher"], i["stakeholder"], i["tlp"], i["source_id"], i["confidence"]) == \
    ("acme-csv", "ACME Research", "private", "clear", "row-1", 60), i
tls = alerts("tls")
assert by_sid(tls) == {9200003: 1} and tls[0]["alert"]["context"]["intel"]["matched_on"] == "tls.sni", tls
PY

# --- an expired indicator does not match: the STIX feed alone has the
# C2 address valid only on 2015-01-01, the capture is from 2016
cat >"$TMP/stix-only.yaml" <<EOF
intel:
  feeds:
    - file: $TMP/feed.stix.json
EOF
mkdir "$TMP/exp"
"$VIGIL_BIN" -c "$TMP/stix-only.yaml" -r "$CW" -l "$TMP/exp" -k none 2>/dev/null || fail "stix-only run"
[ "$(count_events "$TMP/exp/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 9200001')" = 0 ] ||
	fail "expired indicator matched"
[ "$(count_events "$TMP/exp/eve.json" 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 9200004')" = 3 ] ||
	fail "stix-only domain alerts"

# --- enrichment: a rule's CVEs and ATT&CK techniques, from the KEV
# catalogue and the ATT&CK for ICS bundle in ../shared
KEV="$SHARED_DIR/data/intel/kev.json"
ATT="$SHARED_DIR/data/intel/ics-attack.json"
if [ -f "$KEV" ] && [ -f "$ATT" ]; then
	cat >"$TMP/en.yaml" <<EOF
intel:
  kev: $KEV
  attack: $ATT
EOF
	cat >"$TMP/en.rules" <<'EOF'
alert http any any -> any any (msg:"cve rule"; http.host; content:"homealldaylong"; reference:cve,2021-44228; metadata: cve CVE_2009_0215, mitre_technique_id T0803, mitre_technique_id T1190; sid:1;)
alert http any any -> any any (msg:"plain rule"; http.host; content:"homealldaylong"; sid:2;)
EOF
	mkdir "$TMP/en"
	"$VIGIL_BIN" -c "$TMP/en.yaml" -S "$TMP/en.rules" -r "$CW" -l "$TMP/en" -k none 2>"$TMP/en.err" ||
		fail "enrichment run: $(cat "$TMP/en.err")"
	grep -q "KEV catalogue 2025.08.25, 1404 CVEs" "$TMP/en.err" || fail "KEV not loaded: $(cat "$TMP/en.err")"
	python3 - "$TMP/en/eve.json" <<'PY' || fail "enrichment"
import json, sys
al = [json.loads(l) for l in open(sys.argv[1])]
al = [e["alert"] for e in al if e["event_type"] == "alert"]
one = [a for a in al if a["signature_id"] == 1]
assert one and all("enrichment" not in a for a in al if a["signature_id"] == 2), al
en = one[0]["enrichment"]
cve = {c["id"]: c for c in en["cve"]}
assert cve["CVE-2021-44228"]["known_exploited"] is True and cve["CVE-2021-44228"]["kev_date_added"] == "2021-12-10", cve
assert cve["CVE-2021-44228"]["kev_ransomware_use"] == "Known" and cve["CVE-2009-0215"]["known_exploited"] is False, cve
att = {t["technique_id"]: t for t in en["attack"]}
assert att["T0803"]["name"] == "Block Command Message" and att["T0803"]["tactics"] == ["inhibit-response-function"], att
assert att["T1190"] == {"technique_id": "T1190"}, att  # not in ATT&CK for ICS: the id, no claim
PY
fi

# --- a domain indicator covers its subdomains, on label boundaries only
SUB="$SV/datasets-match-subdomain/input.pcap"  # mail.evil.com, sub.mail.evil.com, example.com
if [ -f "$SUB" ]; then
	printf 'type,value\ndomain,evil.com\ndomain,l.evil.com\n' >"$TMP/sub.csv"
	printf 'intel:\n  feeds:\n    - file: %s\n' "$TMP/sub.csv" >"$TMP/sub.yaml"
	mkdir "$TMP/sub"
	"$VIGIL_BIN" -c "$TMP/sub.yaml" -r "$SUB" -l "$TMP/sub" -k none 2>/dev/null || fail "subdomain run"
	python3 - "$TMP/sub/eve.json" <<'PY' || fail "subdomain matches"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
al = [e for e in ev if e["event_type"] == "alert"]
assert [a["alert"]["signature_id"] for a in al] == [9200002, 9200002], al
assert all(a["alert"]["context"]["intel"]["indicator"] == "evil.com" for a in al), al
PY
fi

# --- without feeds: no intel rule, no intel alert
mkdir "$TMP/none"
"$VIGIL_BIN" -r "$CW" -l "$TMP/none" -k none 2>/dev/null || fail "run without feeds"
[ "$(count_events "$TMP/none/eve.json" 'e["event_type"] == "alert"')" = 0 ] || fail "alerts without feeds"

# --- sharing: STIX 2.1 sightings, TLP:RED left out unless asked
EVES="$TMP/cw/eve.json $TMP/ek/eve.json $TMP/cs/eve.json $TMP/dns/eve.json $TMP/tls/eve.json"
"$VIGIL_BIN" intel export --stix --sensor "sensor-1" -o "$TMP/b.json" $EVES 2>"$TMP/x.err" || fail "export"
grep -q "1 TLP:RED alerts left out" "$TMP/x.err" || fail "red not counted: $(cat "$TMP/x.err")"
python3 "$HERE/stix_validate.py" "$TMP/b.json" || fail "export is not valid STIX 2.1"
python3 - "$TMP/b.json" <<'PY' || fail "sightings"
import json, sys
b = json.load(open(sys.argv[1]))
objs = {o["id"]: o for o in b["objects"]}
s = [o for o in b["objects"] if o["type"] == "sighting"]
assert len(s) == 5, len(s)  # address, domain, URL, example.com (DNS + TLS), JA3
byref = {o["sighting_of_ref"]: o for o in s}
# a STIX indicator is sighted by its own id, with its TLP
d = byref["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]
assert d["count"] == 6 and d["object_marking_refs"] == ["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"], d
od = objs[d["observed_data_refs"][0]]
assert objs[od["object_refs"][0]] == {"type": "domain-name", "value": "homealldaylong.com", "spec_version": "2.1", "id": od["object_refs"][0]}
assert objs[d["where_sighted_refs"][0]]["name"] == "sensor-1"
# a MISP indicator gets an indicator object pointing back at the attribute
ind = [o for o in b["objects"] if o["type"] == "indicator" and o["external_references"][0]["external_id"] == "5f1d8a9e-0000-4000-8000-0000000000a1"]
assert len(ind) == 1 and ind[0]["pattern"] == "[ipv4-addr:value = '184.170.149.44']", ind
assert byref[ind[0]["id"]]["count"] == 12  # 6 in each CryptoWall capture
assert not any("fe926ca5" in json.dumps(o) for o in b["objects"]), "TLP:RED exported"
PY
"$VIGIL_BIN" intel export --stix --include-red -o "$TMP/r.json" $EVES 2>/dev/null || fail "export red"
grep -q fe926ca5a09536b96e4b9d512a257f28 "$TMP/r.json" || fail "--include-red"
python3 "$HERE/stix_validate.py" "$TMP/r.json" || fail "red export invalid"
# the validator rejects what STIX 2.1 requires
python3 - "$TMP/b.json" "$TMP/broken.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
for o in b["objects"]:
    if o["type"] == "sighting":
        del o["sighting_of_ref"]
        break
json.dump(b, open(sys.argv[2], "w"))
PY
python3 "$HERE/stix_validate.py" "$TMP/broken.json" >/dev/null && fail "validator accepts a sighting without sighting_of_ref"
"$VIGIL_BIN" intel export --misp -o "$TMP/m.json" $EVES 2>/dev/null || fail "misp export"
python3 - "$TMP/m.json" <<'PY' || fail "misp sightings"
import json, sys
m = json.load(open(sys.argv[1]))
s = [x["Sighting"] for x in m]
a = [x for x in s if x.get("attribute_uuid") == "5f1d8a9e-0000-4000-8000-0000000000a1"]
assert len(a) == 1 and a[0]["count"] == 12 and a[0]["type"] == "0" and a[0]["tlp"] == "tlp:green", a
PY
echo "ok"
