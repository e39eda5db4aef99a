#!/usr/bin/env bash
# Builds and runs every fuzz target for SECONDS each (default 60) with cargo-fuzz on this
# machine's stable toolchain (RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the sanitizer flags it
# needs). Installs cargo-fuzz when missing. Crashes are kept under fuzz/artifacts/TARGET/.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
targets=(parse_bill numbering yaml_files align_redline clause_reference)
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
done
# Seeds: the bundled bills and annotations, so the fuzzer starts from real structure.
cp bills/kz-child-online-safety/*.md fuzz/corpus/parse_bill/ 2>/dev/null || true
cp annotations/*.yaml annotations/rules/*.yaml fuzz/corpus/yaml_files/ 2>/dev/null || true
cargo fuzz build --release
failed=()
for t in "${targets[@]}"; do
  echo "== $t for ${seconds}s"
  log="$(mktemp)"
  if ! cargo fuzz run --release "$t" "fuzz/corpus/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
    failed+=("$t")
    tail -40 "$log"
  fi
  grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec)' "$log" || true
  rm -f "$log"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found crashes in: ${failed[*]} (inputs under fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzzing: no crash in ${#targets[@]} targets x ${seconds}s"
