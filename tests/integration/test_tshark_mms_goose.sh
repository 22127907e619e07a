#!/usr/bin/env bash
# vigil's EVE "mms" and "goose" events against Wireshark's dissection
# (tshark's mms.* and goose.* fields) of the IEC 61850 captures in
# ../shared/data/pcaps/ics/IEC61850.  Messages are paired by flow, PDU
# type and invokeID (MMS) or by source MAC, gocbRef, stNum and sqNum
# (GOOSE); on each pair the fields both produce are compared.  Fails
# below 99% agreement per protocol, or when vigil logged fewer than 95%
# of tshark's messages; prints agreement and that coverage.  Skips without tshark or the
# shared captures.
source "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null 2>&1 || skip "tshark not installed"
DIR="${SHARED_DIR:-../shared}/data/pcaps/ics/IEC61850"
[ -d "$DIR" ] || skip "no IEC 61850 captures in $DIR"

# MMS flows in these captures mostly start mid-stream; GOOSE: every frame.
python3 - "$VIGIL_BIN" "$DIR" "$TMP" <<'PY'
import collections, glob, json, os, re, subprocess, sys

vigil, root, tmp = sys.argv[1:4]
pcaps = sorted(glob.glob(os.path.join(root, "**", "*.pcap"), recursive=True))

PDU = {"confirmed_request": "confirmed-RequestPDU", "confirmed_response": "confirmed-ResponsePDU",
       "confirmed_error": "confirmed-ErrorPDU", "unconfirmed": "unconfirmed-PDU",
       "reject": "rejectPDU", "cancel_request": "cancel-RequestPDU",
       "cancel_response": "cancel-ResponsePDU", "cancel_error": "cancel-ErrorPDU",
       "initiate_request": "initiate-RequestPDU", "initiate_response": "initiate-ResponsePDU",
       "initiate_error": "initiate-ErrorPDU", "conclude_request": "conclude-RequestPDU",
       "conclude_response": "conclude-ResponsePDU", "conclude_error": "conclude-ErrorPDU"}
SERVICES = ("status getNameList identify rename read write getVariableAccessAttributes "
            "defineNamedVariable defineScatteredAccess getScatteredAccessAttributes "
            "deleteVariableAccess defineNamedVariableList getNamedVariableListAttributes "
            "deleteNamedVariableList defineNamedType getNamedTypeAttributes deleteNamedType input "
            "output takeControl relinquishControl defineSemaphore deleteSemaphore "
            "reportSemaphoreStatus reportPoolSemaphoreStatus reportSemaphoreEntryStatus "
            "initiateDownloadSequence downloadSegment terminateDownloadSequence "
            "initiateUploadSequence uploadSegment terminateUploadSequence requestDomainDownload "
            "requestDomainUpload loadDomainContent storeDomainContent deleteDomain "
            "getDomainAttributes createProgramInvocation deleteProgramInvocation start stop "
            "resume reset kill getProgramInvocationAttributes obtainFile defineEventCondition "
            "deleteEventCondition getEventConditionAttributes reportEventConditionStatus "
            "alterEventConditionMonitoring triggerEvent defineEventAction deleteEventAction "
            "getEventActionAttributes reportEventActionStatus defineEventEnrollment "
            "deleteEventEnrollment alterEventEnrollment reportEventEnrollmentStatus "
            "getEventEnrollmentAttributes acknowledgeEventNotification getAlarmSummary "
            "getAlarmEnrollmentSummary readJournal writeJournal initializeJournal "
            "reportJournalStatus createJournal deleteJournal getCapabilityList fileOpen fileRead "
            "fileClose fileRename fileDelete fileDirectory").split()
UNCONFIRMED = ["informationReport", "unsolicitedStatus", "eventNotification"]


def goose_type_index():
    """Index of `- goose` in the built-in eve-log types (engine/defaults.c)."""
    src = open("src/engine/defaults.c").read()
    items = re.findall(r'"        - ([a-z0-9-]+)', src.split('"      types:')[1])
    return items.index("goose")


GOOSE_ALL = f"outputs.1.eve-log.types.{goose_type_index()}.goose.log-all=yes"


def run_vigil(pcap):
    out = os.path.join(tmp, "out")
    os.makedirs(out, exist_ok=True)
    eve = os.path.join(out, "eve.json")
    if os.path.exists(eve):
        os.remove(eve)
    subprocess.run([vigil, "-r", pcap, "-l", out, "--no-progress",
                    "--set", "stream.midstream=true",
                    "--set", GOOSE_ALL], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return [json.loads(l) for l in open(eve)] if os.path.exists(eve) else []


def tshark(pcap, filt, fields):
    args = ["tshark", "-r", pcap, "-Y", filt, "-T", "fields", "-E", "occurrence=a",
            "-E", "aggregator=|", "-E", "separator=\t"]
    for f in fields:
        args += ["-e", f]
    out = subprocess.run(args, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(fields) - len(cols))
        rows.append(dict(zip(fields, cols)))
    return rows


def lst(v):
    return [x for x in v.split("|") if x != ""] if v else []


class Tally:
    def __init__(self):
        self.same = collections.Counter()
        self.diff = collections.Counter()
        self.only_ws = collections.Counter()
        self.examples = []

    def cmp(self, field, ws, vg, where):
        if ws in (None, [], "") and vg in (None, [], ""):
            return
        if ws in (None, [], ""):
            return
        if vg in (None, [], ""):
            self.only_ws[field] += 1
            return
        if ws == vg:
            self.same[field] += 1
        else:
            self.diff[field] += 1
            if len(self.examples) < 8:
                self.examples.append(f"{where} {field}: tshark={ws!r} vigil={vg!r}")

    def agreement(self):
        s, d = sum(self.same.values()), sum(self.diff.values())
        return s, d, (100.0 * s / (s + d) if s + d else 100.0)


# ---------------------------------------------------------------- MMS
def mms_names(m):
    dom, item, vmd = [], [], []
    names = list(m.get("variables", []))
    if "variable_list" in m:
        names.append(m["variable_list"])
    for n in names:
        if "domain" in n:
            dom.append(n["domain"])
            item.append(n["item"])
        elif "vmd" in n:
            vmd.append(n["vmd"])
    return dom, item, vmd


def mms_service(m):
    s = m.get("service")
    if s is None:
        return None
    if isinstance(s, int):
        return str(s)
    table = UNCONFIRMED if m["pdu"] == "unconfirmed" else SERVICES
    return str(table.index(s)) if s in table else s


mms = Tally()
mms_ws_total = mms_matched = 0
MMS_FIELDS = ["frame.number", "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport", "_ws.col.Info",
              "mms.invokeID", "mms.confirmedServiceRequest", "mms.confirmedServiceResponse",
              "mms.unconfirmedService", "mms.domainId", "mms.itemId", "mms.vmd_specific",
              "mms.vendorName", "mms.modelName", "mms.revision", "mms.frsmID",
              "mms.cancel_RequestPDU", "mms.cancel_ResponsePDU"]
# ---------------------------------------------------------------- GOOSE
goose = Tally()
goose_ws_total = goose_matched = 0
GOOSE_FIELDS = ["frame.number", "eth.src", "goose.appid", "goose.gocbRef", "goose.timeAllowedtoLive",
                "goose.datSet", "goose.goID", "goose.stNum", "goose.sqNum", "goose.simulation",
                "goose.confRev", "goose.ndsCom", "goose.numDatSetEntries"]
GOOSE_MAP = [("goose.appid", "appid"), ("goose.timeAllowedtoLive", "time_allowed_to_live"),
             ("goose.datSet", "datset"), ("goose.goID", "goid"), ("goose.simulation", "simulation"),
             ("goose.confRev", "conf_rev"), ("goose.ndsCom", "nds_com"),
             ("goose.numDatSetEntries", "num_dat_set_entries")]


def norm_goose(field, v):
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "1" if v else "0"
    if field in ("goose.simulation", "goose.ndsCom"):
        return "1" if v in ("1", "True", "true") else "0"
    if field == "goose.appid":
        return str(int(v, 0)) if isinstance(v, str) else str(v)
    return str(v)


for pcap in pcaps:
    rel = os.path.relpath(pcap, root)
    events = run_vigil(pcap)
    # vigil's MMS messages per (flow endpoints, pdu, invokeID), in order
    vg = collections.defaultdict(list)
    for e in events:
        if e.get("event_type") != "mms":
            continue
        flow = frozenset([(e["src_ip"], e["src_port"]), (e["dest_ip"], e["dest_port"])])
        for side in ("request", "response"):
            m = e["mms"].get(side)
            if m:
                vg[(flow, PDU[m["pdu"]], m.get("invoke_id"))].append(m)
    used = collections.Counter()
    for row in tshark(pcap, "mms", MMS_FIELDS):
        pdus = [t for t in row["_ws.col.Info"].replace(",", " ").split() if t in PDU.values()]
        if len(pdus) != 1:
            continue  # several PDUs in one frame: not paired
        mms_ws_total += 1
        flow = frozenset([(row["ip.src"], int(row["tcp.srcport"] or 0)),
                          (row["ip.dst"], int(row["tcp.dstport"] or 0))])
        inv = (lst(row["mms.invokeID"]) or lst(row["mms.cancel_RequestPDU"])
               or lst(row["mms.cancel_ResponsePDU"]))
        key = (flow, pdus[0], int(inv[0]) if inv and pdus[0] != "unconfirmed-PDU" else None)
        if key[2] is None and pdus[0] in ("confirmed-RequestPDU", "confirmed-ResponsePDU"):
            continue
        k = used[key]
        if k >= len(vg.get(key, [])):
            continue
        used[key] += 1
        mms_matched += 1
        m = vg[key][k]
        where = f"{rel}#{row['frame.number']}"
        svc = (lst(row["mms.confirmedServiceRequest"]) or lst(row["mms.confirmedServiceResponse"])
               or lst(row["mms.unconfirmedService"]))
        mms.cmp("service", svc[0] if svc else None, mms_service(m), where)
        dom, item, vmd = mms_names(m)
        mms.cmp("domainId", sorted(lst(row["mms.domainId"])), sorted(dom), where)
        mms.cmp("itemId", sorted(lst(row["mms.itemId"])), sorted(item), where)
        mms.cmp("vmd_specific", sorted(lst(row["mms.vmd_specific"])), sorted(vmd), where)
        for wf, vf in (("mms.vendorName", "vendor"), ("mms.modelName", "model"),
                       ("mms.revision", "revision"), ("mms.frsmID", "frsm_id")):
            v = m.get(vf)
            mms.cmp(vf[4:], row[wf] or None, None if v is None else str(v), where)

    # GOOSE: vigil's frames by (source MAC, gocbRef, stNum, sqNum)
    gv = collections.defaultdict(list)
    for e in events:
        if e.get("event_type") != "goose":
            continue
        g = e["goose"]
        gv[(g.get("src_mac", "").lower(), g.get("gocbref"), str(g.get("stnum")),
            str(g.get("sqnum")))].append(g)
    gused = collections.Counter()
    for row in tshark(pcap, "goose", GOOSE_FIELDS):
        if not row["goose.gocbRef"] or "|" in row["goose.gocbRef"]:
            continue
        goose_ws_total += 1
        key = (row["eth.src"].lower(), row["goose.gocbRef"], row["goose.stNum"], row["goose.sqNum"])
        k = gused[key]
        if k >= len(gv.get(key, [])):
            continue
        gused[key] += 1
        goose_matched += 1
        g = gv[key][k]
        where = f"{rel}#{row['frame.number']}"
        for wf, vf in GOOSE_MAP:
            goose.cmp(vf, norm_goose(wf, row[wf]), norm_goose(wf, g.get(vf)), where)

ok = True
for name, t, total, matched in (("mms", mms, mms_ws_total, mms_matched),
                                ("goose", goose, goose_ws_total, goose_matched)):
    s, d, pct = t.agreement()
    cov = 100.0 * matched / total if total else 100.0
    print(f"{name}: {s}/{s + d} fields agree ({pct:.2f}%) on {matched} paired messages; "
          f"coverage {matched}/{total} ({cov:.1f}%) of tshark's messages; "
          f"fields only tshark has: {dict(t.only_ws)}")
    for ex in t.examples:
        print("   ", ex)
    # agreement on the fields both produce; and most of tshark's messages
    # must be logged at all (a parser logging nothing agrees on nothing)
    if total == 0 or pct < 99.0 or cov < 95.0:
        ok = False
sys.exit(0 if ok else 1)
PY
