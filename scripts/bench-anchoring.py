#!/usr/bin/env python3
"""Time of `billdiff check` with many generated annotations on a large law.

Writes N annotations (default 1000) on clauses of the written-against version, each quoting
four words of its clause, then times `check` on that version and on another version (the
annotations carried through the alignment).

    scripts/bench-anchoring.py [--n 1000] [--law ../shared/corpus/sgb5] [--written 2025-11-13] [--other 2022-03-03]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "billdiff")


def clauses(path):
    doc = json.loads(subprocess.run([BIN, "outline", path, "--format", "json"], capture_output=True, check=True).stdout)
    out = []
    stack = list(reversed(doc["clauses"]))
    while stack:
        c = stack.pop()
        out.append(c)
        stack.extend(reversed(c["children"]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--law", default=os.path.join(ROOT, "..", "shared", "corpus", "sgb5"))
    ap.add_argument("--written", default="2025-11-13")
    ap.add_argument("--other", default="2022-03-03")
    args = ap.parse_args()
    written = os.path.join(args.law, args.written + ".md")
    other = os.path.join(args.law, args.other + ".md")
    usable = [c for c in clauses(written) if len(c["text"].split()) >= 6]
    step = max(1, len(usable) // args.n)
    picked = usable[::step][: args.n]
    lines = ["organization:", "  name: Benchmark (generated)", f"written_against: \"{args.written}\"", "annotations:"]
    for i, c in enumerate(picked):
        words = c["text"].split()
        quote = " ".join(words[1:5]).replace("\\", "\\\\").replace('"', '\\"')
        lines += [f"  - id: g{i}", "    target:", f"      clause: \"{c['id']}\"", f"      exact: \"{quote}\"",
                  "    category: vague-illegality-definition", "    severity: low", f"    title: generated {i}"]
    with tempfile.TemporaryDirectory() as tmp:
        ann = os.path.join(tmp, "generated.yaml")
        with open(ann, "w") as f:
            f.write("\n".join(lines) + "\n")
        for name, version in (("same version", written), ("carried to " + args.other, other)):
            start = time.perf_counter()
            run = subprocess.run([BIN, "check", version, "--annotations", ann, "--against", written, "--color", "never"],
                                 capture_output=True)
            seconds = time.perf_counter() - start
            if run.returncode == 2:
                sys.exit(run.stderr.decode())
            states = {}
            for line in run.stdout.decode().splitlines():
                if ": g" not in line:
                    continue
                for s in ("anchored", "relocated", "text-changed", "ambiguous", "orphaned"):
                    if line.rstrip(" │").endswith(s):
                        states[s] = states.get(s, 0) + 1
            print(f"{len(picked)} annotations, {name}: {seconds:.2f} s, exit {run.returncode}, states {states}")


if __name__ == "__main__":
    main()
