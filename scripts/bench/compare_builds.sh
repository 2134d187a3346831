#!/usr/bin/env bash
# compare_builds.sh: is one tally build faster than another? CPU time, in alternating rounds.
#
# Run:   scripts/bench/compare_builds.sh OLD_TALLY NEW_TALLY [ROUNDS] [DATA_DIR]
#        (ROUNDS default 24; DATA_DIR default ~/.cache/tally-bench/full/jsonl, made by
#        `SIZE=full make bench`; any folder of .gz inputs will do)
#
# Each round runs one build on two of the folder's files at once (`--jobs 1` each, so both
# cores are busy, as in a run over many files), then the other build on the same two files,
# and notes each build's CPU seconds (user + sys of both processes). The order is swapped
# every round: with a fixed order, whichever build ran second used about 2% less CPU on this
# machine (estimated from one pair of builds measured both ways round). The machine's speed
# drifts from minute to minute, so only the ratio within a round means anything; the report
# gives the median round's NEW/OLD ratio, the ratio of the totals, and how many rounds NEW won. Outputs go to a temporary folder.
#
# This is a measurement, not a test: not part of `make test` or `make bench`.
set -euo pipefail
export LC_ALL=C

if [[ $# -lt 2 ]]; then
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 64 # EX_USAGE
fi
old=$1 new=$2 rounds=${3:-24} data=${4:-$HOME/.cache/tally-bench/full/jsonl}
for binary in "$old" "$new"; do
    [[ -x $binary ]] || { echo "compare_builds: $binary is not an executable" >&2; exit 66; }
done
shopt -s nullglob
files=("$data"/*.gz)
(( ${#files[@]} >= 2 )) || { echo "compare_builds: need two .gz files in $data" >&2; exit 66; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# CPU seconds of one build on two files at once.
cpu() {
    rm -rf "$work/a" "$work/b"
    /usr/bin/time -f "%U %S" -o "$work/time-a" "$1" rollup "$2" --out "$work/a" --jobs 1 >/dev/null 2>&1 &
    /usr/bin/time -f "%U %S" -o "$work/time-b" "$1" rollup "$3" --out "$work/b" --jobs 1 >/dev/null 2>&1
    wait
    cat "$work/time-a" "$work/time-b" | awk '{ cpu += $1 + $2 } END { print cpu }'
}

for round in $(seq "$rounds"); do
    first=${files[$(( (2 * round) % ${#files[@]} ))]}
    second=${files[$(( (2 * round + 1) % ${#files[@]} ))]}
    if (( round % 2 )); then
        a=$(cpu "$old" "$first" "$second"); b=$(cpu "$new" "$first" "$second")
    else
        b=$(cpu "$new" "$first" "$second"); a=$(cpu "$old" "$first" "$second")
    fi
    echo "$a $b" >>"$work/rounds"
    echo "round $round of $rounds: old $a s, new $b s" >&2
done

awk '{ print $2 / $1 }' "$work/rounds" | sort -g |
    awk '{ r[NR] = $1 } END { printf "new/old CPU, median round: %.4f\n", r[int((NR + 1) / 2)] }'
awk '{ a += $1; b += $2; if ($2 < $1) won++ }
     END { printf "new/old CPU, totals: %.4f (old %.1f s, new %.1f s); new faster in %d of %d rounds\n", b / a, a, b, won, NR }' \
    "$work/rounds"
