#!/usr/bin/env bash
# Renders the bundled annotated report in headless Chromium and checks it as a reader would:
# the PDF (what a lawyer prints) contains a flagged clause and an annotation, the page made no
# network request, and a screenshot is written. Installs Debian's chromium and poppler-utils
# when missing. Usage: scripts/browser-check.sh [SCREENSHOT.png]
set -euo pipefail
cd "$(dirname "$0")/.."
screenshot_out="${1:-}"

if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  echo "== installing chromium and poppler-utils (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium poppler-utils >/dev/null
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bills=bills/kz-child-online-safety
cargo build --release --quiet
./target/release/billdiff report "$bills/2021-09-15-first-reading.md" "$bills/2022-04-senate.md" \
  --annotations annotations --format html -o "$work/report.html"

# Nothing in the page may load from anywhere: no src=, no url(), no @import, no <link>.
if grep -Eiq '(src=|url\(|@import|<link|<script)' "$work/report.html"; then
  echo "FAIL: the report references an external resource or a script" >&2
  exit 1
fi

chrome=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$work/profile" --log-net-log="$work/netlog.json" --net-log-capture-mode=Default)
"${chrome[@]}" --print-to-pdf="$work/report.pdf" --no-pdf-header-footer "file://$work/report.html" 2>/dev/null
"${chrome[@]}" --screenshot="$work/report.png" --window-size=1000,1400 --hide-scrollbars "file://$work/report.html" 2>/dev/null

pdftotext -layout "$work/report.pdf" "$work/report.txt"
text="$(tr -s ' \n' ' ' < "$work/report.txt")"
for expected in \
  "within twenty-four hours of receiving a prescription" \
  "short-removal-deadline" \
  "Digital Rights Watch Central Asia (illustrative)" \
  "24-hour removal on a ministry prescription"; do
  if ! grep -qF -- "$expected" <<<"$text"; then
    echo "FAIL: the printed report lacks: $expected" >&2
    exit 1
  fi
done

# The net log lists every URL the browser requested. Chromium itself calls its own update,
# time and account services whatever page is open (those requests fail here: no network); any
# other URL would have come from the page.
browser_own='^"url":"https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gstatic\.com|gvt1\.com)/'
if grep -Eo '"url":"[a-z]+://[^"]*' "$work/netlog.json" | grep -v '"url":"file://' | grep -Ev "$browser_own" | grep -q .; then
  echo "FAIL: the page made network requests:" >&2
  grep -Eo '"url":"[a-z]+://[^"]*' "$work/netlog.json" | grep -v '"url":"file://' | grep -Ev "$browser_own" | sort -u >&2
  exit 1
fi

if [ -n "$screenshot_out" ]; then
  cp "$work/report.png" "$screenshot_out"
fi
echo "browser check passed: $(wc -c < "$work/report.pdf") bytes of PDF, text and annotation present, no network requests"
