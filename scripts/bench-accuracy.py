#!/usr/bin/env python3
"""Alignment accuracy of `billdiff diff` on generated bill pairs with a ground truth.

For each size preset and edit rate, ../shared/bench/gen_bill.py writes an old and a new bill and
a map of every old clause id to its new id (or null). billdiff's JSON pairs give its own map;
the score is the share of old clauses mapped to the right new clause (deleted ones to nothing).

    scripts/bench-accuracy.py [--presets small,medium,large] [--rates 0.02,0.05,0.15] [--seed 1]

Needs a release build (`cargo build --release`). Writes generated files to a temporary folder.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.environ.get("BILLDIFF_GEN_BILL") or os.path.join(ROOT, "..", "shared", "bench", "gen_bill.py")
BIN = os.path.join(ROOT, "target", "release", "billdiff")


def to_truth_id(billdiff_id):
    """billdiff writes sub-paragraphs `3)` as `sp3`; the generator calls them `i3`."""
    return ".".join("i" + part[2:] if part.startswith("sp") else part for part in billdiff_id.split("."))


def score(preset, rate, seed, tmp):
    old, new, truth_path = (os.path.join(tmp, f"{preset}-{rate}-{n}") for n in ("old.md", "new.md", "truth.json"))
    subprocess.run([sys.executable, GEN, "--preset", preset, "--seed", str(seed), "--edit-rate", str(rate),
                    "--out-old", old, "--out-new", new, "--truth", truth_path], check=True)
    start = time.perf_counter()
    run = subprocess.run([BIN, "diff", old, new, "--format", "json"], capture_output=True)
    seconds = time.perf_counter() - start
    if run.returncode not in (0, 1):
        sys.exit(f"billdiff failed ({run.returncode}): {run.stderr.decode()}")
    doc = json.loads(run.stdout)
    predicted = {}
    for pair in doc["pairs"]:
        if pair["old"] is not None:
            predicted[to_truth_id(pair["old"]["id"])] = to_truth_id(pair["new"]["id"]) if pair["new"] else None
        for part in pair.get("merged_from", []):
            predicted[to_truth_id(part["id"])] = None
    truth = json.load(open(truth_path))["old_to_new"]
    right = sum(1 for old_id, new_id in truth.items() if predicted.get(old_id, "missing") == new_id)
    wrong = [(o, truth[o], predicted.get(o, "missing")) for o in truth if predicted.get(o, "missing") != truth[o]]
    return right, len(truth), seconds, wrong


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--presets", default="small,medium,large")
    ap.add_argument("--rates", default="0.02,0.05,0.15")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show-wrong", type=int, default=0, help="print up to N wrong mappings per run")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    print(f"{'preset':8} {'rate':>5} {'clauses':>8} {'right':>8} {'accuracy':>9} {'seconds':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for preset in args.presets.split(","):
            for rate in args.rates.split(","):
                right, total, seconds, wrong = score(preset, float(rate), args.seed, tmp)
                print(f"{preset:8} {rate:>5} {total:8} {right:8} {100.0 * right / total:8.2f}% {seconds:8.2f}")
                for o, t, p in wrong[: args.show_wrong]:
                    print(f"    {o}: truth {t}, billdiff {p}")


if __name__ == "__main__":
    main()
