#!/usr/bin/env bash
# compare_builds.sh: is one tally build faster than another? CPU and wall time, in alternating rounds.
#
# Run:   scripts/bench/compare_builds.sh OLD_TALLY NEW_TALLY [ROUNDS] [DATA_DIR]
#        (ROUNDS default 24; DATA_DIR default ~/.cache/tally-bench/full/jsonl, made by
#        `SIZE=full make bench`; any folder of .gz inputs will do)
#        WHOLE=1 ...: each build once over all of DATA_DIR with --jobs 2 (as make bench's rows)
#        ARGS="--inflater zlib" ...: more options for both builds' `tally rollup`
#
# Each round runs one build on two of the folder's files at once (`--jobs 1` each, so both
# cores are busy, as in a run over many files), then the other build on the same two files,
# and notes each build's CPU seconds (user + sys of both processes) and wall seconds (until
# both have ended). With WHOLE=1 a round runs each build once on the whole folder instead,
# `--jobs 2`. The order is swapped every round: with a fixed order, whichever build ran second
# used about 2% less CPU on this machine (estimated from one pair of builds measured both ways
# round). The machine's speed drifts from minute to minute, so only the ratio within a round
# means anything; the report gives the median round's NEW/OLD ratio with the lowest and
# highest round's, the ratio of the totals, and how many rounds NEW won. Every run writes
# into a fresh output folder in a temporary folder, so a state store never skips an input.
#
# This is a measurement, not a test: not part of `make test` or `make bench`.
set -euo pipefail
export LC_ALL=C # "." in decimals, EPOCHREALTIME included

if [[ $# -lt 2 ]]; then
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 64 # EX_USAGE
fi
old=$1 new=$2 rounds=${3:-24} data=${4:-$HOME/.cache/tally-bench/full/jsonl}
whole=${WHOLE:-}
read -r -a args <<<"${ARGS:-}"
for binary in "$old" "$new"; do
    [[ -x $binary ]] || { echo "compare_builds: $binary is not an executable" >&2; exit 66; }
done
shopt -s nullglob
files=("$data"/*.gz)
(( ${#files[@]} >= 2 )) || { echo "compare_builds: need two .gz files in $data" >&2; exit 66; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# "CPU_SECONDS WALL_SECONDS" of one build on two files at once (or, WHOLE=1, on the folder).
run() {
    local t0 t1
    rm -rf "$work/a" "$work/b"
    t0=$EPOCHREALTIME
    if [[ -n $whole ]]; then
        /usr/bin/time -f "%U %S" -o "$work/time-a" "$1" rollup "$data" --out "$work/a" --jobs 2 \
            "${args[@]}" >/dev/null 2>&1
        : >"$work/time-b"
    else
        /usr/bin/time -f "%U %S" -o "$work/time-a" "$1" rollup "$2" --out "$work/a" --jobs 1 \
            "${args[@]}" >/dev/null 2>&1 &
        /usr/bin/time -f "%U %S" -o "$work/time-b" "$1" rollup "$3" --out "$work/b" --jobs 1 \
            "${args[@]}" >/dev/null 2>&1
        wait
    fi
    t1=$EPOCHREALTIME
    cat "$work/time-a" "$work/time-b" | awk -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
        '{ cpu += $1 + $2 } END { printf "%.2f %.3f\n", cpu, w }'
}

for round in $(seq "$rounds"); do
    first=${files[$(( (2 * round) % ${#files[@]} ))]}
    second=${files[$(( (2 * round + 1) % ${#files[@]} ))]}
    if (( round % 2 )); then
        a=$(run "$old" "$first" "$second"); b=$(run "$new" "$first" "$second")
    else
        b=$(run "$new" "$first" "$second"); a=$(run "$old" "$first" "$second")
    fi
    echo "$a $b" >>"$work/rounds" # old_cpu old_wall new_cpu new_wall
    read -r ac aw bc bw <<<"$a $b"
    echo "round $round of $rounds: old $ac s CPU, $aw s wall; new $bc s CPU, $bw s wall" >&2
done

# ratio NAME COLUMN_OLD COLUMN_NEW: the median round's new/old, the lowest and highest round's.
ratio() {
    awk -v o="$2" -v n="$3" '{ print $n / $o }' "$work/rounds" | sort -g |
        awk -v name="$1" '{ r[NR] = $1 }
            END { printf "new/old %s, median round: %.4f [rounds %.4f-%.4f]\n", name, NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2, r[1], r[NR] }'
}
ratio CPU 1 3
ratio wall 2 4
awk '{ a += $1; b += $3; if ($3 < $1) won++; aw += $2; bw += $4; if ($4 < $2) wonw++ }
     END { printf "new/old CPU, totals: %.4f (old %.1f s, new %.1f s); new faster in %d of %d rounds\n", b / a, a, b, won, NR
           printf "new/old wall, totals: %.4f (old %.1f s, new %.1f s); new faster in %d of %d rounds\n", bw / aw, aw, bw, wonw, NR }' \
    "$work/rounds"
