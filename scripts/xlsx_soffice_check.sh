#!/usr/bin/env bash
# xlsx_soffice_check.sh: for a person to run where LibreOffice is installed: opens tally's --xlsx
# workbook of the sample logs with LibreOffice headless, converts it to CSV, and shows it beside
# the --combined CSV of the same run, to see that LibreOffice reads what tally wrote (dates as
# dates, ids as text, percentages, the totals row).
#
#   scripts/xlsx_soffice_check.sh [TALLY]      (default .build/release/tally)
set -euo pipefail
cd "$(dirname "$0")/.."
TALLY=${1:-.build/release/tally}
command -v soffice >/dev/null || { echo "xlsx_soffice_check: soffice (LibreOffice) is not installed" >&2; exit 69; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$TALLY" rollup fixtures/logs --out "$work/days" --no-state --ratios --combined "$work/combined.csv" --xlsx "$work/rollup.xlsx"
soffice --headless --convert-to csv --outdir "$work" "$work/rollup.xlsx" >/dev/null
echo "== LibreOffice's CSV of rollup.xlsx (first rows and the totals) =="
head -n 5 "$work/rollup.csv"
tail -n 1 "$work/rollup.csv"
echo "== tally's --combined CSV (first rows) =="
head -n 5 "$work/combined.csv"
echo "rows: $(($(wc -l < "$work/rollup.csv") - 2)) in the workbook, $(($(wc -l < "$work/combined.csv") - 1)) in the CSV"
