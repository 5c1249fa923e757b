#!/usr/bin/env python3
"""Prints the built app's size, raw and gzipped (level 9), from dist/: what the first load
transfers (index.html and the files it names), and the converters' worker, which loads on
the first import or export. Usage: scripts/app_size.py [dist]"""
import gzip
import pathlib
import sys

dist = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
groups = {"first load": [], "model worker (on first import, export, share link or generated data)": []}
for path in sorted(dist.iterdir()):
    if path.is_file():
        worker = path.name.startswith("dynoscope-converters")
        groups["model worker (on first import, export, share link or generated data)" if worker else "first load"].append(path)

for title, paths in groups.items():
    raw = zipped = 0
    print(f"{title}:")
    for path in paths:
        data = path.read_bytes()
        size, packed = len(data), len(gzip.compress(data, 9))
        raw, zipped = raw + size, zipped + packed
        print(f"  {path.name:48} {size:>10,} B raw {packed:>10,} B gzip")
    print(f"  {'total':48} {raw:>10,} B raw {zipped:>10,} B gzip")
