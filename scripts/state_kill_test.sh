#!/usr/bin/env bash
# state_kill_test.sh: kills `tally rollup` with SIGKILL at random moments, night after night, and
# checks that the next run finishes the job: after it, the day files are byte for byte those of
# one run from scratch over every file delivered so far.
#
#   scripts/state_kill_test.sh [KILLS]      (default 30)
#
# Nights deliver the benchmark's hourly files (SIZE=full make bench makes them, about 95 MB of
# gzip each): a new file, or a file re-delivered with other content (two hours joined into one
# gzip file of two members). Each night's run is killed after a random delay of up to 1.5 s,
# while it reads, commits, writes days or clears them; kills that came after the run had ended
# are counted apart. TALLY (default .build/release/tally) and DATA may be set.
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=${1:-30}
TALLY=${TALLY:-.build/release/tally}
DATA=${DATA:-$HOME/.cache/tally-bench/full/jsonl}
shopt -s nullglob
files=("$DATA"/*.gz)
(( ${#files[@]} >= 4 )) || { echo "state_kill_test: no benchmark files in $DATA (run SIZE=full make bench)" >&2; exit 66; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/logs"
RANDOM=${SEED:-7}
landed=0 late=0 next=0
declare -A used

for ((night = 1; night <= KILLS; night++)); do
    if (( next < ${#files[@]} && (night % 3 != 0 || next < 2) )); then
        cp "${files[next]}" "$work/logs/"
        next=$((next + 1))
    else
        # A re-delivery: an hour already there, now holding two hours. Each pair once: the same
        # content under two names counts once, and the run from scratch would count it twice.
        name=$(basename "${files[RANDOM % next]}")
        while :; do
            a=$((RANDOM % next)) b=$((RANDOM % ${#files[@]}))
            [[ -z ${used["$a $b"]:-} ]] && break
        done
        used["$a $b"]=1
        cat "${files[a]}" "${files[b]}" > "$work/logs/.$name.tmp"
        mv "$work/logs/.$name.tmp" "$work/logs/$name"
    fi
    delay=$(printf "%d.%03d" $((RANDOM % 1500 / 1000)) $((RANDOM % 1000)))
    "$TALLY" rollup "$work/logs" --out "$work/out" --tz America/New_York 2>/dev/null &
    pid=$!
    sleep "$delay"
    if kill -9 "$pid" 2>/dev/null; then landed=$((landed + 1)); else late=$((late + 1)); fi
    wait "$pid" 2>/dev/null || true
    "$TALLY" rollup "$work/logs" --out "$work/out" --tz America/New_York
    rm -rf "$work/scratch"
    "$TALLY" rollup "$work/logs" --out "$work/scratch" --tz America/New_York --no-state
    if ! diff -r -x .tally -x .tally.lock "$work/scratch" "$work/out" >/dev/null; then
        echo "state_kill_test: night $night (killed after $delay s): the day files differ from a run from scratch" >&2
        diff -r -x .tally -x .tally.lock "$work/scratch" "$work/out" | head -n 20 >&2 || true
        trap - EXIT
        echo "state_kill_test: kept $work" >&2
        exit 1
    fi
    echo "night $night: killed after $delay s; rerun matches a run from scratch ($(ls "$work/logs" | wc -l) files)"
done
echo "state_kill_test: $KILLS nights, $landed kills while tally ran, $late after it had ended: every rerun matched"
