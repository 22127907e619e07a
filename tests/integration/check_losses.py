#!/usr/bin/env python3
"""Checks a run's eve.json against its summary line on stderr.

usage: check_losses.py EVE STDERR [--expect-lost|--expect-none] [--total N]

eve.json must parse line by line (every line a JSON object, the file ends
with a newline or is empty); the summary's "N events written (type n, ...),
M lost" must match the lines in the file, per type; --total checks that
written + lost is the number of events of an unconstrained run.
Prints "written lost" on success.
"""
import json, os, re, sys

eve, err = sys.argv[1], sys.argv[2]
opts = sys.argv[3:]
text = open(err, errors="replace").read()
lines = [l for l in text.splitlines() if l.startswith("vigil: summary:")]
if len(lines) != 1:
    sys.exit("expected one summary line on stderr, got %d:\n%s" % (len(lines), text))
m = re.search(r"; (\d+) events written \(([^)]*)\), (\d+) lost;", lines[0])
if not m:
    sys.exit("summary without event counts: " + lines[0])
written, lost = int(m.group(1)), int(m.group(3))
per_type = {}
for part in m.group(2).split(", "):
    if part == "none":
        continue
    t = re.match(r"(\S+) (\d+)(?:/(\d+) lost)?$", part)
    if not t:
        sys.exit("bad type count %r in %s" % (part, lines[0]))
    if int(t.group(2)):
        per_type[t.group(1)] = int(t.group(2))

found = {}
n = 0
if os.path.exists(eve):
    data = open(eve, "rb").read()
    if data and not data.endswith(b"\n"):
        sys.exit("eve.json ends inside a line")
    for i, raw in enumerate(data.splitlines(), 1):
        try:
            e = json.loads(raw)
        except ValueError as x:
            sys.exit("eve.json line %d does not parse: %s" % (i, x))
        if not isinstance(e, dict):
            sys.exit("eve.json line %d is not an object" % i)
        found[e["event_type"]] = found.get(e["event_type"], 0) + 1
        n += 1
if n != written:
    sys.exit("summary says %d events written, eve.json holds %d" % (written, n))
if found != per_type:
    sys.exit("per-type counts differ: summary %s, file %s" % (per_type, found))
if "--expect-lost" in opts:
    if lost == 0:
        sys.exit("no events counted lost: " + lines[0])
    if "completed with losses" not in lines[0]:
        sys.exit("summary does not say the run lost events: " + lines[0])
    if re.search(r"\bcomplete\b", text.replace("completed with losses", "")):
        sys.exit("something claims completeness: " + text)
if "--expect-none" in opts and lost != 0:
    sys.exit("events lost: " + lines[0])
if "--total" in opts:
    total = int(opts[opts.index("--total") + 1])
    if written + lost != total:
        sys.exit("written %d + lost %d != %d events of the reference run" % (written, lost, total))
print(written, lost)
