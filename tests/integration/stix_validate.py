#!/usr/bin/env python3
"""Checks a STIX 2.1 bundle against the required properties of the STIX 2.1
JSON schemas (oasis-open/cti-stix2-json-schemas: common/core, bundle,
identity, indicator, observed-data, sighting, marking-definition and the
SCOs ipv4-addr, ipv6-addr, domain-name, url, file) and the spec's
constraints on them: identifier syntax, timestamps, count ranges,
last >= first, references to objects of the right type, TLP markings.
Exit 0 when valid; else one line per problem and exit 1.

Usage: stix_validate.py BUNDLE.json
"""
import json
import re
import sys

ID = re.compile(r"^([a-z][a-z0-9-]+[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
SDO_SRO = {"identity", "indicator", "observed-data", "sighting", "attack-pattern", "campaign",
           "course-of-action", "grouping", "infrastructure", "intrusion-set", "location",
           "malware", "malware-analysis", "note", "opinion", "report", "threat-actor", "tool",
           "vulnerability", "relationship"}
SCO = {"ipv4-addr", "ipv6-addr", "domain-name", "url", "file"}
REQUIRED = {
    "identity": ["name"],
    "indicator": ["pattern", "pattern_type", "valid_from"],
    "observed-data": ["first_observed", "last_observed", "number_observed"],
    "sighting": ["sighting_of_ref"],
    "marking-definition": [],
    "ipv4-addr": ["value"], "ipv6-addr": ["value"], "domain-name": ["value"], "url": ["value"],
    "file": [],
}
TLP_IDS = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "white",
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
}


def check(bundle):
    errs = []
    err = errs.append
    if bundle.get("type") != "bundle":
        err("bundle: type is not 'bundle'")
    if not ID.match(bundle.get("id", "")) or not bundle["id"].startswith("bundle--"):
        err("bundle: bad id %r" % bundle.get("id"))
    objs = bundle.get("objects")
    if not isinstance(objs, list) or not objs:
        return errs + ["bundle: objects must be a non-empty list"]
    by_id = {}
    for o in objs:
        oid = o.get("id", "")
        t = o.get("type")
        where = "%s %s" % (t, oid)
        if not t or not ID.match(oid) or not oid.startswith(t + "--"):
            err("%s: id does not match type--UUID" % where)
        if oid in by_id:
            err("%s: duplicate id" % where)
        by_id[oid] = o
        if o.get("spec_version") != "2.1":
            err("%s: spec_version must be '2.1'" % where)
        if t in SDO_SRO or t == "marking-definition":
            for k in ("created",) + (("modified",) if t != "marking-definition" else ()):
                if not TS.match(str(o.get(k, ""))):
                    err("%s: %s missing or not a STIX timestamp" % (where, k))
        if t not in REQUIRED and not t.startswith("x-"):
            err("%s: type not expected in a sighting export" % where)
        for k in REQUIRED.get(t, []):
            if k not in o:
                err("%s: required property %s missing" % (where, k))
        if t == "file" and not o.get("hashes") and not o.get("name"):
            err("%s: file needs hashes or name" % where)
        if t == "marking-definition":
            if o.get("definition_type") == "tlp":
                if oid not in TLP_IDS or o.get("definition", {}).get("tlp") != TLP_IDS[oid]:
                    err("%s: TLP marking does not match the STIX 2.1 TLP definitions" % where)
            elif "extensions" not in o:
                err("%s: marking-definition needs definition or extensions" % where)
    for o in objs:
        t, oid = o.get("type"), o.get("id")
        where = "%s %s" % (t, oid)
        for m in o.get("object_marking_refs", []):
            if not m.startswith("marking-definition--"):
                err("%s: object_marking_refs entry %s is no marking-definition" % (where, m))
        if "created_by_ref" in o and not o["created_by_ref"].startswith("identity--"):
            err("%s: created_by_ref is no identity" % where)
        if t == "indicator":
            if o.get("pattern_type") == "stix" and not re.match(r"^\[.*\]$", o.get("pattern", "")):
                err("%s: pattern is not a STIX pattern" % where)
            if not TS.match(str(o.get("valid_from", ""))):
                err("%s: valid_from not a timestamp" % where)
        if t == "observed-data":
            n = o.get("number_observed", 0)
            if not isinstance(n, int) or not 1 <= n <= 999999999:
                err("%s: number_observed out of range" % where)
            if str(o.get("last_observed")) < str(o.get("first_observed")):
                err("%s: last_observed before first_observed" % where)
            refs = o.get("object_refs") or []
            if not refs or "objects" in o:
                err("%s: object_refs required (and objects deprecated)" % where)
            for r in refs:
                if r not in by_id or by_id[r]["type"] not in SCO and not by_id[r]["type"].startswith("x-"):
                    err("%s: object_ref %s is no observable of the bundle" % (where, r))
        if t == "sighting":
            ref = o.get("sighting_of_ref", "")
            if not ID.match(ref) or ref.split("--")[0] in SCO:
                err("%s: sighting_of_ref must reference an SDO" % where)
            for r in o.get("observed_data_refs", []):
                if not r.startswith("observed-data--") or r not in by_id:
                    err("%s: observed_data_ref %s missing" % (where, r))
            for r in o.get("where_sighted_refs", []):
                if not r.startswith(("identity--", "location--")) or r not in by_id:
                    err("%s: where_sighted_ref %s missing" % (where, r))
            c = o.get("count")
            if c is not None and (not isinstance(c, int) or not 0 <= c <= 999999999):
                err("%s: count out of range" % where)
            if "first_seen" in o and "last_seen" in o and o["last_seen"] < o["first_seen"]:
                err("%s: last_seen before first_seen" % where)
    return errs


def main():
    bundle = json.load(open(sys.argv[1]))
    errs = check(bundle)
    for e in errs:
        print(e)
    sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()
