#!/usr/bin/env python3
"""Prints the built app's size, raw and gzipped (level 9), from dist/: what the first load
transfers (index.html and the files it names), the model's worker, which loads the first
time it is needed (an import or export, a share link, generated data, the AWS CLI console, a
"Code" panel, a lesson), and the full engine, which loads the first time a request needs it. With --budget N it fails when the first load is over N bytes gzipped:
issue 8 holds the app under 1 MB gzip in transfer, and scripts/test-e2e.sh checks it.
Usage: scripts/app_size.py [dist] [--budget N]"""
import gzip
import pathlib
import sys

args = sys.argv[1:]
budget = None
if "--budget" in args:
    at = args.index("--budget")
    budget = int(args[at + 1])
    del args[at : at + 2]
dist = pathlib.Path(args[0] if args else "dist")
FIRST, WORKER = "first load", "model worker (loaded when first needed)"
FULL = "full engine (loaded when a request first needs it)"
groups = {FIRST: [], WORKER: [], FULL: []}
for path in sorted(dist.iterdir()):
    if path.is_file():
        if path.name.startswith("dynoscope-converters"):
            groups[WORKER].append(path)
        elif path.name.startswith("dynoscope-full"):
            groups[FULL].append(path)
        else:
            groups[FIRST].append(path)

totals = {}
for title, paths in groups.items():
    raw = zipped = 0
    print(f"{title}:")
    for path in paths:
        data = path.read_bytes()
        size, packed = len(data), len(gzip.compress(data, 9))
        raw, zipped = raw + size, zipped + packed
        print(f"  {path.name:48} {size:>10,} B raw {packed:>10,} B gzip")
    print(f"  {'total':48} {raw:>10,} B raw {zipped:>10,} B gzip")
    totals[title] = zipped

if budget is not None and totals[FIRST] > budget:
    print(f"the first load is {totals[FIRST]:,} B gzipped, over the budget of {budget:,} B", file=sys.stderr)
    sys.exit(1)
