#!/usr/bin/env python3
"""Wall time and peak memory of `billdiff diff --format json`, side by side with
`git diff --no-index --word-diff`, on generated ~2 MB and ~20 MB bill pairs and on the largest
corpus pair; plus parse speed (`billdiff outline`) and `scan` time on the largest corpus law.

    scripts/bench-speed.py [--runs 5] [--corpus ../shared/corpus]

Runs are interleaved (billdiff, git, billdiff, git, ...) and the median is reported. Needs a
release build (`cargo build --release`) and git. Generated files go to a temporary folder.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_bill.py")
BIN = os.path.join(ROOT, "target", "release", "billdiff")


def measure(cmd):
    """Runs cmd with output to /dev/null; returns (seconds, peak RSS in MiB)."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(cmd, stdout=devnull, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{cmd[0]} failed with {code}: {proc.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024.0


def compare(name, old, new, runs):
    size = (os.path.getsize(old) + os.path.getsize(new)) / 1e6
    ours, theirs, mem = [], [], []
    for _ in range(runs):
        s, m = measure([BIN, "diff", old, new, "--format", "json"])
        ours.append(s)
        mem.append(m)
        s, _ = measure(["git", "diff", "--no-index", "--word-diff", old, new])
        theirs.append(s)
    o, g = statistics.median(ours), statistics.median(theirs)
    print(f"{name:28} {size:7.1f} MB  billdiff {o:6.3f} s  {max(mem):7.0f} MiB ({max(mem) / size:4.1f}x input)"
          f"  git word-diff {g:6.3f} s  ratio {o / g:5.2f}")
    return o


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--corpus", default=os.environ.get("BILLDIFF_CORPUS", os.path.join(ROOT, "..", "shared", "corpus")))
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    with tempfile.TemporaryDirectory() as tmp:
        times = {}
        for preset in ("medium", "large"):
            old, new = os.path.join(tmp, f"{preset}-old.md"), os.path.join(tmp, f"{preset}-new.md")
            subprocess.run([sys.executable, GEN, "--preset", preset, "--seed", "1", "--edit-rate", "0.05",
                            "--out-old", old, "--out-new", new], check=True)
            times[preset] = compare(f"generated {preset} (0.05)", old, new, args.runs)
        print(f"time(20 MB) / time(2 MB) = {times['large'] / times['medium']:.1f}")
    sgb5 = os.path.join(args.corpus, "sgb5")
    if os.path.isdir(sgb5):
        compare("corpus sgb5 2022 -> 2025", os.path.join(sgb5, "2022-03-03.md"), os.path.join(sgb5, "2025-11-13.md"), args.runs)
        law = os.path.join(sgb5, "2025-11-13.md")
        runs = [measure([BIN, "outline", law, "--depth", "0"])[0] for _ in range(args.runs)]
        mb = os.path.getsize(law) / 1e6
        print(f"parse (outline) sgb5 2025: {mb:.1f} MB in {statistics.median(runs) * 1000:.0f} ms "
              f"= {mb / statistics.median(runs):.0f} MB/s (whole process, including start-up and output)")
        runs = [measure([BIN, "scan", law, "--format", "json"])[0] for _ in range(args.runs)]
        print(f"scan sgb5 2025 with the built-in rule pack: {statistics.median(runs) * 1000:.0f} ms (whole process)")


if __name__ == "__main__":
    main()
