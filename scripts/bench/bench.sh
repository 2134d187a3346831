#!/usr/bin/env bash
# bench.sh: how fast is `tally rollup` next to the fastest possible gzip reader?
#
# Run:   make bench                      (= scripts/bench/bench.sh; SIZE=quick, under a minute)
#        SIZE=full scripts/bench/bench.sh      (24 M lines: 8.5 GB of JSON Lines, 1.5 GB gzip)
#        SIZE=3000000 ROUNDS=5 TALLY=/path/to/tally scripts/bench/bench.sh
#        SIZE=full scripts/bench/bench.sh data (only make the data, if not cached; print where)
#
# Settings (environment):
#   SIZE             quick (default, 1,000,000 lines), full (24,000,000), or a number of lines
#   ROUNDS           rounds of measurements, default 3; the table shows medians
#   ONE_FILE_REPEATS times the one-file runs are repeated in a round, default 5 (each
#                    repeat is a round of its own in the one-file tables)
#   TALLY            a tally binary to use; default: `make build` (the release build, as
#                    `make rollup` makes it) and .build/release/tally
#   TALLY_BENCH_DIR  cache for data and helper binaries, default ~/.cache/tally-bench
#   PYTHON           python with duckdb and chdb for their rows, default python3
#
# Data (made once per SIZE by scripts/bench/gen_bench_data.c, deterministic, kept in
# $TALLY_BENCH_DIR/SIZE/{jsonl,csv,clf}/): 16 hourly gzip files (pigz -6) of ad-server
# events from 2026-11-20T16:00Z to 2026-11-21T08:00Z, as JSON Lines, the same events as
# CSV, and the same events again as an nginx access log in the combined format (clf/,
# 0.67 of the JSON Lines' bytes): one tracking-pixel request an event,
#   IP - - [21/Nov/2026:13:45:12 +0000] "GET /px?ev=imp&cmp=cmp-00042&cr=crv-000421&r=719020831 HTTP/1.1" 200 43 "https://SITE/" "UA"
# and before 3% of them a request for /index.html, /favicon.ico or /static/app.js, which
# tally ignores. tally reads it with --format clf --config $TALLY_BENCH_DIR/clf.toml, which
# holds [clf] type_param = "ev", campaign_param = "cmp", path_prefix = "/px". See the
# generator's header for what the events look like.
#
# What is run, in every round, alternately, on the same page-cached files:
#   zinflate, 1 process     scripts/bench/zinflate.c (zlib inflate, output discarded) over
#                           all files: the floor for one core
#   zinflate, 2 processes   the files split in two halves of equal bytes, both halves
#                           at once: the floor for this 2-core machine
#   isalinflate, 1 and 2    the same with ISA-L's inflater (scripts/bench/isalinflate.c), where
#                           libisal-dev is installed: the floors tally's ISA-L runs face
#   tally --jobs 2          tally rollup DIR --out TMP --jobs 2, all 16 files, once with
#                           --inflater zlib and, where the build has ISA-L, once with isal
#   one file                tally --jobs 2 and the 1-process floors on the largest file; tally
#                           also with --no-state, to show what the store's fingerprint costs
#   wide key                on the JSON Lines only: tally --jobs 2 with --by $WIDE_KEY
#                           --granularity hour, each inflater, set against a default run
#                           just before it; also with --no-state, to show what keeping a
#                           wide key's rows in the state store costs
# each for JSON Lines and for CSV; then, on the access log, tally --jobs 2 on all 16 files
# with each inflater (no floors: its row is set against tally's JSON Lines row of the
# same round and inflater); then DuckDB and chDB (clickhouse-local as a Python module),
# where `import duckdb` and `import chdb` work (pip install duckdb chdb), once a round on the
# JSON Lines: the tools a user would pick instead of tally; and a memory check once.
#
# The numbers: wall s = elapsed time (bash's EPOCHREALTIME around the run: GNU time
# gives only 10 ms steps, too coarse for one small file); CPU s = user + sys (of both processes for the
# 2-process floor); MB/s and lines/s = uncompressed input bytes (MB = 10^6 bytes)
# and lines per wall second; RSS MiB = peak resident set (summed over the two
# processes for the 2-process floor). wall, CPU, RSS are medians over the rounds.
# A ratio is tally's wall time over the floor's, taken within each round and then
# the median over rounds, so that the machine's noise hits both sides alike (the
# report shows the load average before and after: above ~0.5, other work on the
# machine is competing for the cores and the floors themselves are slowed), with
# the lowest and highest round's ratio beside it. Run one bench at a time.
# Targets: with zlib, 16 files, tally <= 1.25 x (JSON Lines) and 1.2 x (CSV) the 2-process
# zlib floor; with ISA-L, 16 files, <= 0.80 x the 2-process zlib floor; one file, <= 1.05 x
# the 1-process floor of the same inflater on that file. Wide key: at most 1.3 x the CPU
# and the wall time of the default run, same inflater, taken within each round. Access log:
# its MB/s (uncompressed bytes per wall second) >= 0.5 x the MB/s of tally on the JSON Lines,
# same inflater, taken within each round (the median round's ratio, the lowest and highest
# beside it).
#
# Memory check: 10 daily files with 1,000,000 distinct (day, campaign) keys (100,000
# campaigns x 10 days, each once, all impressions); bytes/key = (peak RSS on them -
# peak RSS on a 100-line file) / 1,000,000, both with --no-state (the aggregation alone);
# then the peak RSS of the same run with the state store.
#
# Output check: the first tally (and DuckDB) output of each format is compared, key by
# key, with counts per (day, campaign, type) taken from the data with awk once
# ($TALLY_BENCH_DIR/SIZE/expected.tsv); a "check:" line says whether they match.
#
# This is a report, not a test: it exits 0 whatever the numbers, and when tally is
# missing or fails it says so and still reports the floors. It exits non-zero only
# when it cannot measure anything (no C compiler, zlib or disk space).
set -euo pipefail
export LC_ALL=C # "." in decimals, EPOCHREALTIME included

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRIPTS=$REPO/scripts/bench
SIZE=${SIZE:-quick}
ROUNDS=${ROUNDS:-3}
ONE_FILE_REPEATS=${ONE_FILE_REPEATS:-5}
# The wide key of the wide rows (with --granularity hour).
WIDE_KEY=campaign,creative_id,country
BENCH_DIR=${TALLY_BENCH_DIR:-$HOME/.cache/tally-bench}
PYTHON=${PYTHON:-python3}
JOBS=2
SEED=20261121
NFILES=16
START=1795190400     # 2026-11-20T16:00:00Z, so the files span two days
MEM_START=1793491200 # 2026-11-01T00:00:00Z
MEM_DAYS=10
MEM_CAMPAIGNS=100000
# The access log's settings for tally (--format clf --config $CLF_CONFIG).
CLF_CONFIG=$BENCH_DIR/clf.toml
CLF_SETTINGS='[clf]
type_param = "ev"
campaign_param = "cmp"
path_prefix = "/px"'

BIN=$BENCH_DIR/bin
ZINFLATE=$BIN/zinflate
ISALINFLATE="" # set by build_helpers where ISA-L is installed
GEN=$BIN/gen_bench_data
WORK="" # scratch folder for outputs and timings, removed on exit

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

# shellcheck disable=SC2317 # called by the trap
cleanup() { [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"; return 0; }
trap cleanup EXIT

# ---- set-up ------------------------------------------------------------------

parse_size() {
    case $SIZE in
        quick) TOTAL_LINES=1000000 ;;
        full) TOTAL_LINES=24000000 ;;
        *[!0-9]* | "") die "SIZE must be quick, full or a number of lines, not '$SIZE'" ;;
        *) TOTAL_LINES=$((10#$SIZE)) ;;
    esac
    ((TOTAL_LINES >= NFILES)) || die "SIZE must be at least $NFILES lines"
    [[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive number, not '$ROUNDS'"
    [[ $ONE_FILE_REPEATS =~ ^[1-9][0-9]*$ ]] ||
        die "ONE_FILE_REPEATS must be a positive number, not '$ONE_FILE_REPEATS'"
}

build_helpers() {
    mkdir -p "$BIN"
    command -v cc >/dev/null || die "no C compiler (cc): apt-get install gcc"
    cc -O2 -o "$ZINFLATE.new" "$SCRIPTS/zinflate.c" -lz ||
        die "could not build zinflate: apt-get install zlib1g-dev"
    mv "$ZINFLATE.new" "$ZINFLATE"
    if cc -O2 -o "$BIN/isalinflate.new" "$SCRIPTS/isalinflate.c" -lisal 2>/dev/null; then
        mv "$BIN/isalinflate.new" "$BIN/isalinflate"
        ISALINFLATE=$BIN/isalinflate
    else
        say "isalinflate: skipped (no ISA-L: apt-get install libisal-dev to add its floor and tally's ISA-L runs)"
    fi
    cc -O2 -o "$GEN.new" "$SCRIPTS/gen_bench_data.c" || die "could not build gen_bench_data"
    mv "$GEN.new" "$GEN"
    if command -v pigz >/dev/null; then GZIP_CMD=(pigz -6 -n); else GZIP_CMD=(gzip -6 -n); fi
}

# A data set is valid for the generator source it was made with.
data_stamp() { echo "gen=$(sha256sum "$SCRIPTS/gen_bench_data.c" | cut -c1-16) seed=$SEED $*"; }

# gen_to_gzip OUT_JSONL_GZ [OUT_CSV_GZ [OUT_CLF_GZ]] -- GEN_ARGS...: runs the generator into
# pigz through FIFOs, so JSON Lines, CSV and the access log come out of one pass; prints the
# generator's counts.
gen_to_gzip() {
    local fifo_dir outs=() fifos=() pids=() counts i
    while [[ $1 != -- ]]; do outs+=("$1") && shift; done
    shift
    fifo_dir=$(mktemp -d "$BENCH_DIR/fifo.XXXXXX")
    for i in "${!outs[@]}"; do
        fifos+=("$fifo_dir/$i")
        mkfifo "${fifos[i]}"
        "${GZIP_CMD[@]}" <"${fifos[i]}" >"${outs[i]}" &
        pids+=($!)
    done
    if ! counts=$("$GEN" "$@" "${fifos[@]}"); then
        kill "${pids[@]}" 2>/dev/null || true # they may still wait for a writer
        wait "${pids[@]}" 2>/dev/null || true
        rm -rf "$fifo_dir"
        die "generator failed: $GEN $* ${fifos[*]}"
    fi
    for i in "${pids[@]}"; do wait "$i" || { rm -rf "$fifo_dir"; die "compression failed"; }; done
    rm -rf "$fifo_dir"
    echo "$counts"
}

hour_name() { date -u -d "@$1" +%Y-%m-%dT%H; }

# Makes $DATA/{jsonl,csv,clf}/ and $DATA/manifest.tsv (name lines jsonl_bytes csv_bytes
# clf_lines clf_bytes) unless they are there already for this generator.
ensure_events() {
    DATA=$BENCH_DIR/$SIZE
    local stamp
    stamp=$(data_stamp "events lines=$TOTAL_LINES files=$NFILES start=$START")
    if [[ -f $DATA/stamp && $(<"$DATA/stamp") == "$stamp" ]]; then
        say "data: $DATA (cached)"
        return
    fi
    say "data: generating $TOTAL_LINES lines into $DATA ..."
    local t0=$EPOCHREALTIME tmp=$DATA.tmp.$$ i name counts
    rm -rf "$DATA" "$tmp"
    mkdir -p "$tmp/jsonl" "$tmp/csv" "$tmp/clf"
    for ((i = 0; i < NFILES; i++)); do
        name=events-$(hour_name $((START + i * 3600)))
        counts=$(gen_to_gzip "$tmp/jsonl/$name.jsonl.gz" "$tmp/csv/$name.csv.gz" \
            "$tmp/clf/$name.clf.gz" -- events "$SEED" "$i" "$NFILES" "$TOTAL_LINES" "$START")
        echo "$name $counts" >>"$tmp/manifest.tsv"
    done
    echo "$stamp" >"$tmp/stamp"
    mv "$tmp" "$DATA"
    say "data: generated in $(elapsed "$t0") s"
}

# $DATA/expected.tsv: day, campaign, event type, count (tab-separated), counted from the
# CSV files with awk once (the CSV's first three columns never need quotes), for the
# check of tally's output (of the access log's too: the same events).
ensure_expected() {
    [[ -f $DATA/expected.tsv ]] && return
    say "data: counting the events per (day, campaign, type) for the output check ..."
    local t0=$EPOCHREALTIME f
    for f in "$DATA"/csv/*.csv.gz; do "${GZIP_CMD[0]}" -dc "$f"; done |
        awk -F, '$1 != "ts" { n[substr($1, 1, 10) "\t" $3 "\t" $2]++ }
                 END { for (k in n) print k "\t" n[k] }' | sort >"$DATA/expected.tsv.tmp"
    mv "$DATA/expected.tsv.tmp" "$DATA/expected.tsv"
    say "data: counted in $(elapsed "$t0") s"
}

# The memory-check data: $MEM/jsonl/ (10 daily files), $MEM/tiny/ (one 100-line file).
ensure_memory_data() {
    MEM=$BENCH_DIR/memkeys
    local stamp
    stamp=$(data_stamp "keys campaigns=$MEM_CAMPAIGNS days=$MEM_DAYS start=$MEM_START tiny=100")
    if [[ -f $MEM/stamp && $(<"$MEM/stamp") == "$stamp" ]]; then return; fi
    say "data: generating the memory-check files into $MEM ..."
    local t0=$EPOCHREALTIME tmp=$MEM.tmp.$$ d day
    rm -rf "$MEM" "$tmp"
    mkdir -p "$tmp/jsonl" "$tmp/tiny"
    for ((d = 0; d < MEM_DAYS; d++)); do
        day=$((MEM_START + d * 86400))
        gen_to_gzip "$tmp/jsonl/keys-$(date -u -d "@$day" +%Y-%m-%d).jsonl.gz" -- \
            keys "$SEED" "$MEM_CAMPAIGNS" "$day" >/dev/null
    done
    gen_to_gzip "$tmp/tiny/tiny.jsonl.gz" -- events "$SEED" 0 1 100 "$START" >/dev/null
    echo "$stamp" >"$tmp/stamp"
    mv "$tmp" "$MEM"
    say "data: memory-check files generated in $(elapsed "$t0") s"
}

# Sets TALLY_BIN to the binary to measure, or leaves it empty and TALLY_NOTE saying why.
find_tally() {
    TALLY_BIN="" TALLY_NOTE="" TALLY_VERSION="" TALLY_CLF=""
    if [[ -n ${TALLY:-} ]]; then
        if [[ -x $TALLY ]]; then TALLY_BIN=$TALLY; else TALLY_NOTE="TALLY=$TALLY is not an executable file"; fi
    elif ! command -v swift >/dev/null; then
        TALLY_NOTE="swift is not installed; give a binary with TALLY=path"
    else
        say "tally: make build (the release build) ..."
        if (cd "$REPO" && make -s build >&2) &&
            [[ -x $REPO/.build/release/tally ]]; then
            TALLY_BIN=$REPO/.build/release/tally
        else
            TALLY_NOTE="the release build failed or made no .build/release/tally (see its output above)"
        fi
    fi
    if [[ -n $TALLY_BIN ]]; then # one smoke run, so that a broken binary is reported once
        local out=$WORK/smoke
        if ! "$TALLY_BIN" rollup "$MEM/tiny" --out "$out" --jobs "$JOBS" >"$WORK/smoke.log" 2>&1; then
            say "tally: '$TALLY_BIN rollup $MEM/tiny --out DIR --jobs $JOBS' failed:"
            tail -n 5 "$WORK/smoke.log" >&2
            TALLY_NOTE="$TALLY_BIN failed on a 100-line file (its message is above)"
            TALLY_BIN=""
        fi
        rm -rf "$out"
    fi
    if [[ -z $TALLY_BIN ]]; then say "tally: not measured: $TALLY_NOTE; the floors are measured all the same"; fi
    # The inflaters to measure tally with: zlib, and ISA-L where the binary says it has it.
    TALLY_INFLATERS=()
    [[ -z $TALLY_BIN ]] && return 0
    TALLY_INFLATERS=(zlib)
    if "$TALLY_BIN" --version | grep -q '^inflaters:.*isal\($\|,\)'; then TALLY_INFLATERS+=(isal); fi
    TALLY_VERSION=$("$TALLY_BIN" --version | tr '\n' ' ')
    # The access log's rows need a build that reads it (an older one given with TALLY= may not).
    # The help is read whole first: grep -q would stop reading early, and pipefail make the
    # closed pipe a failure.
    local help
    help=$("$TALLY_BIN" rollup --help 2>/dev/null || true)
    TALLY_CLF=yes
    if ! grep -qw clf <<<"$help"; then
        TALLY_CLF=""
        say "tally: the access log is not measured ($TALLY_BIN has no --format clf)"
    fi
}

# ---- measuring ---------------------------------------------------------------

commas() { sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta' <<<"$1"; }

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# run_timed TIMEFILE CMD...: runs CMD under GNU time (user, sys, max RSS in KiB to
# TIMEFILE), output discarded, stderr kept in TIMEFILE.err; returns CMD's status.
run_timed() {
    local tf=$1
    shift
    /usr/bin/time -f '%U %S %M' -o "$tf" "$@" >/dev/null 2>"$tf.err"
}

# read_time TIMEFILE: "cpu_seconds rss_kib" from run_timed's file (its last line).
read_time() { awk 'END { printf "%.3f %d\n", $1 + $2, $3 }' "$1" 2>/dev/null || echo "0 0"; }

# record SET TOOL ROUND WALL CPU RSS_KIB STATUS
record() { echo "$*" >>"$RESULTS"; }

# The inputs of the runs being measured, read again just before each one is timed (see
# warm). This machine pages out page-cache pages untouched for a minute (a DAMON pageout
# scheme of its host), even with most of its memory free; a run that then read its inputs
# from the disk would be timed on the disk and not on the decoding.
WARM=()
warm() { if ((${#WARM[@]} > 0)); then cat "${WARM[@]}" >/dev/null; fi; }

# measure SET TOOL ROUND CMD...: one timed run of CMD.
measure() {
    local set=$1 tool=$2 round=$3 tf=$WORK/time t0 t1 status=ok
    shift 3
    warm
    t0=$EPOCHREALTIME
    run_timed "$tf" "$@" || status=failed
    t1=$EPOCHREALTIME
    if [[ $status != ok ]]; then
        say "  $tool failed on $set in round $round: $(tail -n 3 "$tf.err" | tr '\n' ' ')"
    fi
    record "$set" "$tool" "$round" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
        "$(read_time "$tf")" "$status"
}

# measure_pair SET TOOL ROUND FLOOR: the floor binary over the two halves $HALF_A and
# $HALF_B at once.
measure_pair() {
    local set=$1 tool=$2 round=$3 floor=$4 t0 t1 pa pb status=ok cpu_a rss_a cpu_b rss_b
    warm
    t0=$EPOCHREALTIME
    run_timed "$WORK/time.a" "$floor" "${HALF_A[@]}" &
    pa=$!
    run_timed "$WORK/time.b" "$floor" "${HALF_B[@]}" &
    pb=$!
    wait "$pa" || status=failed
    wait "$pb" || status=failed
    t1=$EPOCHREALTIME
    read -r cpu_a rss_a < <(read_time "$WORK/time.a")
    read -r cpu_b rss_b < <(read_time "$WORK/time.b")
    record "$set" "$tool" "$round" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
        "$(awk -v a="$cpu_a" -v b="$cpu_b" 'BEGIN { print a + b }')" $((rss_a + rss_b)) "$status"
}

# measure_tally SET ROUND INPUT INFLATER [OPTION...]: tally rollup INPUT into a fresh output
# folder, with any more options given.
measure_tally() {
    local set=$1 round=$2 input=$3 inflater=$4 out=$WORK/out
    shift 4
    rm -rf "$out"
    measure "$set" "tally-$inflater${TOOL_SUFFIX:-}" "$round" "$TALLY_BIN" rollup "$input" --out "$out" --jobs "$JOBS" \
        --inflater "$inflater" "$@"
    if [[ $round == 1 && $set == *16 && $set != wideref16 ]]; then
        check_output "tally --inflater $inflater${TOOL_SUFFIX:+ (${TOOL_SUFFIX#-})}, $set" "$out"
    fi
    rm -rf "$out"
}

# Which column of $DATA/manifest.tsv holds the uncompressed bytes of format FMT.
bytes_col() { case $1 in jsonl) echo 3 ;; csv) echo 4 ;; clf) echo 6 ;; esac; }

# The files of format FMT as an array, and its two halves of about equal bytes.
set_files() {
    local fmt=$1 col
    col=$(bytes_col "$fmt")
    FILES=() HALF_A=() HALF_B=()
    local name bytes a=0 b=0
    while read -r name bytes; do
        FILES+=("$DATA/$fmt/$name.$fmt.gz")
        if ((a <= b)); then HALF_A+=("$DATA/$fmt/$name.$fmt.gz") a=$((a + bytes))
        else HALF_B+=("$DATA/$fmt/$name.$fmt.gz") b=$((b + bytes)); fi
    done < <(awk -v c="$col" '{ print $1, $c }' "$DATA/manifest.tsv" | sort -k2,2nr)
    ONE_FILE=${FILES[0]} # the largest
}

run_rounds() {
    local round fmt
    say "warming the page cache ..."
    cat "$DATA"/jsonl/* "$DATA"/csv/* "$DATA"/clf/* "$MEM"/jsonl/* >/dev/null
    LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg) # other work on the machine shows up here
    for ((round = 1; round <= ROUNDS; round++)); do
        say "round $round of $ROUNDS ..."
        for fmt in jsonl csv; do
            set_files "$fmt"
            WARM=("${FILES[@]}")
            measure "${fmt}16" zinflate1 "$round" "$ZINFLATE" "${FILES[@]}"
            measure_pair "${fmt}16" zinflate2 "$round" "$ZINFLATE"
            if [[ -n $ISALINFLATE ]]; then
                measure "${fmt}16" isal1 "$round" "$ISALINFLATE" "${FILES[@]}"
                measure_pair "${fmt}16" isal2 "$round" "$ISALINFLATE"
            fi
            for inflater in "${TALLY_INFLATERS[@]}"; do
                measure_tally "${fmt}16" "$round" "$DATA/$fmt" "$inflater"
            done
            # One file takes half a second to a second, so one timing is at the mercy of the
            # machine's swings: the one-file runs are repeated ONE_FILE_REPEATS times a round,
            # and each repeat counts as a round of its own. The floors go first: a one-file run
            # just after a 16-file run was slower by up to half (not so the 1-process floors),
            # and that place would otherwise always be tally's.
            WARM=("$ONE_FILE")
            for ((repeat = 1; repeat <= ONE_FILE_REPEATS; repeat++)); do
                measure "${fmt}1" zinflate1 "$round.$repeat" "$ZINFLATE" "$ONE_FILE"
                [[ -z $ISALINFLATE ]] || measure "${fmt}1" isal1 "$round.$repeat" "$ISALINFLATE" "$ONE_FILE"
                for inflater in "${TALLY_INFLATERS[@]}"; do
                    measure_tally "${fmt}1" "$round.$repeat" "$ONE_FILE" "$inflater"
                    TOOL_SUFFIX=-nostate measure_tally "${fmt}1" "$round.$repeat" "$ONE_FILE" "$inflater" --no-state
                done
            done
        done
        WARM=("$DATA"/clf/*)
        for inflater in "${TALLY_INFLATERS[@]}"; do
            [[ -n $TALLY_CLF ]] || break
            measure_tally clf16 "$round" "$DATA/clf" "$inflater" --format clf --config "$CLF_CONFIG"
        done
        WARM=("$DATA"/jsonl/*)
        if [[ -n $DUCKDB ]]; then
            measure jsonl16 duckdb "$round" "$PYTHON" -c "$DUCKDB_SCRIPT" "$DATA/jsonl" "$WORK/duck.csv"
            if ((round == 1)); then check_output "duckdb, jsonl16" "$WORK/duck.csv"; fi
        fi
        if [[ -n $CHDB ]]; then
            measure jsonl16 chdb "$round" "$PYTHON" -c "$CHDB_SCRIPT" "$DATA/jsonl" "$WORK/chdb.csv"
            if ((round == 1)); then check_output "chdb, jsonl16" "$WORK/chdb.csv"; fi
        fi
        # Each wide run just after a default run of its own, its measure: the JSON Lines row
        # of the round ran minutes before, and the machine drifts. Last in the round, so that
        # no run with another target comes just after one of these (4 M rows, 660 MB of
        # memory, 365 MB written).
        for inflater in "${TALLY_INFLATERS[@]}"; do
            measure_tally wideref16 "$round" "$DATA/jsonl" "$inflater"
            measure_tally wide16 "$round" "$DATA/jsonl" "$inflater" --by "$WIDE_KEY" --granularity hour
            TOOL_SUFFIX=-nostate measure_tally wide16 "$round" "$DATA/jsonl" "$inflater" \
                --by "$WIDE_KEY" --granularity hour --no-state
        done
    done
}

# check_output LABEL PATH: compares a first output (a folder or a file) with the counts
# in $DATA/expected.tsv, key by key. It understands a wide table (a date or day column, a
# campaign_id column, and a column per event type in the plural: impressions, clicks,
# video_views) and a long one (day, campaign_id, event, count); types without a column
# are not compared. Files whose header is neither are counted but not compared.
check_output() {
    local label=$1 out=$2 summary
    # The day files only: not the run's lock or its state store.
    # shellcheck disable=SC2016 # an awk program
    summary=$( (find "$out" -maxdepth 1 -type f -name '*.csv' -print0 2>/dev/null || true) | sort -z |
        xargs -0 -r awk -F, -v expected="$DATA/expected.tsv" '
        function unquote(s) { gsub(/"/, "", s); return s }
        BEGIN {
            while ((getline line < expected) > 0) {
                split(line, f, "\t"); want[f[1] SUBSEP f[2] SUBSEP f[3]] = f[4]; types[f[3]] = 1
            }
        }
        FNR == 1 {
            files++; dcol = ccol = tcol = ncol = 0; split("", colType)
            for (i = 1; i <= NF; i++) {
                h = tolower(unquote($i)); t = h; sub(/s$/, "", t)
                if (h == "date" || h == "day") dcol = i
                else if (h == "campaign_id" || h == "campaign") ccol = i
                else if (h == "event" || h == "type") tcol = i
                else if (h == "count") ncol = i
                else if (t in types) colType[i] = t
            }
            if (dcol && ccol && tcol && ncol) for (t in types) covered[t] = 1
            else if (dcol && ccol) for (i in colType) covered[colType[i]] = 1
            next
        }
        {
            rows++
            if (!dcol || !ccol) next
            key = unquote($dcol) SUBSEP unquote($ccol)
            if (tcol && ncol) got[key SUBSEP unquote($tcol)] += $ncol
            else for (i in colType) got[key SUBSEP colType[i]] += $i
        }
        END {
            printf "%d files, %d rows", files, rows
            list = ""; for (t in covered) list = list (list == "" ? "" : "/") t
            if (list == "") { printf "; no columns to compare with the data"; exit }
            keys = bad = 0
            for (k in want) {
                split(k, p, SUBSEP); if (!(p[3] in covered)) continue
                keys++; g = (k in got) ? got[k] : 0
                if (g != want[k]) { bad++; if (!example) example = p[1] " " p[2] " " p[3] ": " g ", expected " want[k] }
            }
            for (k in got) if (!(k in want) && got[k] != 0) {
                bad++; split(k, p, SUBSEP); if (!example) example = p[1] " " p[2] " " p[3] ": " got[k] ", expected 0"
            }
            if (bad) printf "; %s: %d of %d (day, campaign, type) counts WRONG, e.g. %s", list, bad, keys, example
            else printf "; %s: all %d (day, campaign, type) counts match the data (ok)", list, keys
        }')
    CHECKS+=("$label: ${summary:-no output files}")
}

# ---- DuckDB ------------------------------------------------------------------

DUCKDB=""
DUCKDB_SCRIPT='
import sys, duckdb
src, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("SET threads = 2")
con.execute(f"""COPY (
    SELECT CAST(CAST(ts AS TIMESTAMP) AS DATE) AS day, campaign_id, event, count(*) AS count
    FROM read_json(\x27{src}/*.jsonl.gz\x27, format = \x27newline_delimited\x27, compression = \x27gzip\x27,
                   columns = {{ts: \x27VARCHAR\x27, event: \x27VARCHAR\x27, campaign_id: \x27VARCHAR\x27}})
    GROUP BY ALL ORDER BY ALL
) TO \x27{out}\x27 (HEADER)""")
'

CHDB=""
CHDB_SCRIPT='
import sys, chdb
src, out = sys.argv[1], sys.argv[2]
query = (
    "SELECT toDate(parseDateTime64BestEffort(ts), \x27UTC\x27) AS day, campaign_id, event, count() AS count"
    f" FROM file(\x27{src}/*.jsonl.gz\x27, \x27JSONEachRow\x27, \x27ts String, event String, campaign_id String\x27)"
    " GROUP BY day, campaign_id, event ORDER BY day, campaign_id, event SETTINGS max_threads = 2"
)
open(out, "wb").write(chdb.query(query, "CSVWithNames").bytes())
'

find_chdb() {
    if "$PYTHON" -c 'import chdb' 2>/dev/null; then
        CHDB=$("$PYTHON" -c 'import chdb; print(chdb.__version__)')
    else
        say "chdb: skipped ('$PYTHON -c \"import chdb\"' fails; pip install chdb to add it)"
    fi
}

find_duckdb() {
    if "$PYTHON" -c 'import duckdb' 2>/dev/null; then
        DUCKDB=$("$PYTHON" -c 'import duckdb; print(duckdb.__version__)')
    else
        say "duckdb: skipped ('$PYTHON -c \"import duckdb\"' fails; pip install duckdb to add it)"
    fi
}

# ---- memory check ------------------------------------------------------------

memory_check() {
    MEMORY_LINE="memory: skipped (no tally)"
    [[ -n $TALLY_BIN ]] || return 0
    say "memory check ..."
    local tf=$WORK/time out=$WORK/out tiny big stored keys=$((MEM_CAMPAIGNS * MEM_DAYS))
    rm -rf "$out"
    run_timed "$tf" "$TALLY_BIN" rollup "$MEM/tiny" --out "$out" --jobs "$JOBS" --no-state ||
        { MEMORY_LINE="memory: tally failed on the tiny file"; return 0; }
    tiny=$(read_time "$tf" | awk '{ print $2 }')
    rm -rf "$out"
    run_timed "$tf" "$TALLY_BIN" rollup "$MEM/jsonl" --out "$out" --jobs "$JOBS" --no-state ||
        { MEMORY_LINE="memory: tally failed on the memory-check files: $(tail -n 2 "$tf.err" | tr '\n' ' ')"; return 0; }
    big=$(read_time "$tf" | awk '{ print $2 }')
    rm -rf "$out"
    # The same with the state store (the default), which also holds each input's encoded rows
    # until its commit, and SQLite's page cache.
    run_timed "$tf" "$TALLY_BIN" rollup "$MEM/jsonl" --out "$out" --jobs "$JOBS" || {
        MEMORY_LINE="memory: $(awk -v t="$tiny" -v b="$big" -v k="$keys" 'BEGIN { printf "%d bytes/key with --no-state", (b - t) * 1024 / k }');"
        MEMORY_LINE+=" tally failed with the state store: $(tail -n 2 "$tf.err" | tr '\n' ' ')"
        return 0
    }
    stored=$(read_time "$tf" | awk '{ print $2 }')
    rm -rf "$out"
    MEMORY_LINE=$(awk -v t="$tiny" -v b="$big" -v s="$stored" -v k="$keys" 'BEGIN {
        printf "memory: %d (day, campaign) keys, --no-state: peak RSS %.1f MiB, tiny run %.1f MiB, %d bytes/key; with the state store %.1f MiB",
            k, b / 1024, t / 1024, (b - t) * 1024 / k, s / 1024 }')
}

# ---- report ------------------------------------------------------------------

# The tables' awk functions: a number with thousands commas, and the median of arr[1..n]
# (which sorts arr).
AWK_HELPERS='
function commas(x,   s, r) { s = sprintf("%.0f", x); r = ""; while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) } return s r }
function median(arr, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && arr[j - 1] > arr[j]; j--) { t = arr[j]; arr[j] = arr[j - 1]; arr[j - 1] = t }
    return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
}
'

# table SET TITLE LINES BYTES GZBYTES: the medians of one set of runs, with the ratios.
table() {
    local set=$1 title=$2 lines=$3 bytes=$4 gz=$5
    printf '\n%s: %s lines, %.1f MB uncompressed, %.1f MB gzip\n' "$title" \
        "$(commas "$lines")" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" \
        "$(awk -v b="$gz" 'BEGIN { print b / 1e6 }')"
    awk -v set="$set" -v lines="$lines" -v bytes="$bytes" "$AWK_HELPERS"'
        function med(tool, field,   n, r, a) {
            n = 0; for (r in ok) { split(r, k, SUBSEP); if (k[1] == tool) a[++n] = val[tool, k[2], field] }
            return n ? median(a, n) : -1
        }
        # rounds(tool, floor, a): the wall time of tool over that of floor in each round both
        # finished, into a; returns how many.
        function rounds(tool, floor, a,   n, r) {
            n = 0
            for (r in ok) { split(r, k, SUBSEP); if (k[1] == tool && ((floor, k[2]) in ok)) a[++n] = val[tool, k[2], "wall"] / val[floor, k[2], "wall"] }
            return n
        }
        function ratio(tool, floor,   n, a) {
            n = rounds(tool, floor, a)
            return n ? median(a, n) : -1
        }
        # The lowest and highest of those ratios, to show how much the machine swung.
        function spread(tool, floor,   n, a) {
            n = rounds(tool, floor, a)
            median(a, n) # sorts a
            return n > 1 ? sprintf(" [rounds %.2f-%.2f]", a[1], a[n]) : ""
        }
        $1 == set { # set tool round wall cpu rss_kib status
            tool = $2; round = $3; seen[tool] = 1
            if ($7 == "ok") { ok[tool, round] = 1; val[tool, round, "wall"] = $4; val[tool, round, "cpu"] = $5; val[tool, round, "rss"] = $6 }
            else failed[tool]++
        }
        END {
            sixteen = set ~ /16$/
            zlibTarget = set ~ /^jsonl/ ? 1.25 : 1.20
            printf "  %-24s %8s %8s %9s %12s %8s   %s\n", "tool", "wall s", "CPU s", "MB/s", "lines/s", "RSS MiB", (sixteen ? "wall vs 2-process floors (target)" : "wall vs 1-process floor (target)")
            nTools = split("zinflate1 zinflate2 isal1 isal2 tally-zlib tally-zlib-nostate tally-isal tally-isal-nostate duckdb chdb", order, " ")
            names["zinflate1"] = "zinflate, 1 process"; names["zinflate2"] = "zinflate, 2 processes"
            names["isal1"] = "isalinflate, 1 process"; names["isal2"] = "isalinflate, 2 processes"
            names["tally-zlib"] = "tally --inflater zlib"; names["tally-isal"] = "tally --inflater isal"
            names["tally-zlib-nostate"] = "  the same, --no-state"; names["tally-isal-nostate"] = "  the same, --no-state"
            names["duckdb"] = "duckdb, 2 threads"; names["chdb"] = "chdb, 2 threads"
            for (i = 1; i <= nTools; i++) {
                tool = order[i]; if (!seen[tool]) continue
                name = names[tool]
                w = med(tool, "wall")
                if (w < 0) { printf "  %-24s %s\n", name, "failed in every round"; continue }
                note = ""
                if (tool == "tally-zlib" || tool == "duckdb" || tool == "chdb") {
                    if (sixteen) {
                        r2 = ratio(tool, "zinflate2")
                        note = sprintf("%.2fx zlib%s", r2, spread(tool, "zinflate2"))
                        if (tool == "tally-zlib") note = note sprintf(" (<= %.2f: %s)", zlibTarget, r2 <= zlibTarget ? "met" : "MISSED")
                    } else {
                        r1 = ratio(tool, "zinflate1")
                        note = sprintf("%.2fx zlib%s (<= 1.05: %s)", r1, spread(tool, "zinflate1"), r1 <= 1.05 ? "met" : "MISSED")
                    }
                }
                if (tool == "tally-isal") {
                    if (sixteen) {
                        r2 = ratio(tool, "zinflate2")
                        note = sprintf("%.2fx zlib%s (<= 0.80: %s)", r2, spread(tool, "zinflate2"), r2 <= 0.80 ? "met" : "MISSED")
                        if (seen["isal2"]) note = note sprintf(", %.2fx ISA-L%s", ratio(tool, "isal2"), spread(tool, "isal2"))
                    } else if (seen["isal1"]) {
                        r1 = ratio(tool, "isal1")
                        note = sprintf("%.2fx ISA-L%s (<= 1.05: %s)", r1, spread(tool, "isal1"), r1 <= 1.05 ? "met" : "MISSED")
                    }
                }
                # Without the state store, no SHA-256 of the input competes for the two cores:
                # what the pipeline itself costs, beside the default run.
                if (tool == "tally-zlib-nostate" && !sixteen) note = sprintf("%.2fx zlib%s", ratio(tool, "zinflate1"), spread(tool, "zinflate1"))
                if (tool == "tally-isal-nostate" && !sixteen && seen["isal1"]) note = sprintf("%.2fx ISA-L%s", ratio(tool, "isal1"), spread(tool, "isal1"))
                if (failed[tool]) note = note sprintf(" [failed in %d rounds]", failed[tool])
                printf "  %-24s %8.3f %8.3f %9.1f %12s %8.1f   %s\n", name, w, med(tool, "cpu"), bytes / w / 1e6, commas(lines / w), med(tool, "rss") / 1024, note
            }
        }' "$RESULTS"
}

# clf_table LINES EVENTS BYTES GZBYTES JSONL_BYTES: tally on the access log, with its MB/s
# over that of tally on the JSON Lines (same round, same inflater).
clf_table() {
    local lines=$1 events=$2 bytes=$3 gz=$4 jbytes=$5
    printf '\nAccess log (nginx combined, --format clf), all %s files: %s lines (%s pixel requests), %.1f MB uncompressed, %.1f MB gzip\n' \
        "$NFILES" "$(commas "$lines")" "$(commas "$events")" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" \
        "$(awk -v b="$gz" 'BEGIN { print b / 1e6 }')"
    awk -v lines="$lines" -v bytes="$bytes" -v jbytes="$jbytes" "$AWK_HELPERS"'
        $7 == "ok" && ($1 == "clf16" || $1 == "jsonl16") { val[$1, $2, $3, "wall"] = $4; val[$1, $2, $3, "cpu"] = $5; val[$1, $2, $3, "rss"] = $6; ok[$1, $2, $3] = 1 }
        $1 == "clf16" { seen[$2] = 1; if ($7 != "ok") failed[$2]++; else if ($3 > maxRound) maxRound = $3 }
        END {
            printf "  %-24s %8s %8s %9s %12s %8s   %s\n", "tool", "wall s", "CPU s", "MB/s", "lines/s", "RSS MiB", "MB/s vs tally on JSON Lines (target)"
            split("tally-zlib tally-isal", order, " ")
            names["tally-zlib"] = "tally --inflater zlib"; names["tally-isal"] = "tally --inflater isal"
            for (i = 1; i <= 2; i++) {
                tool = order[i]; if (!seen[tool]) continue
                nw = nr = 0; split("", w); split("", c); split("", m); split("", r)
                for (round = 1; round <= maxRound; round++) {
                    if (!(("clf16", tool, round) in ok)) continue
                    w[++nw] = val["clf16", tool, round, "wall"]; c[nw] = val["clf16", tool, round, "cpu"]; m[nw] = val["clf16", tool, round, "rss"]
                    # (bytes / wall) over (JSON Lines bytes / its wall) in the same round
                    if (("jsonl16", tool, round) in ok) r[++nr] = bytes * val["jsonl16", tool, round, "wall"] / (jbytes * val["clf16", tool, round, "wall"])
                }
                if (!nw) { printf "  %-24s %s\n", names[tool], "failed in every round"; continue }
                wall = median(w, nw)
                note = "no JSON Lines run to compare"
                if (nr) {
                    ratio = median(r, nr) # sorts r
                    note = sprintf("%.2fx%s (>= 0.50: %s)", ratio, nr > 1 ? sprintf(" [rounds %.2f-%.2f]", r[1], r[nr]) : "", ratio >= 0.5 ? "met" : "MISSED")
                }
                if (failed[tool]) note = note sprintf(" [failed in %d rounds]", failed[tool])
                printf "  %-24s %8.3f %8.3f %9.1f %12s %8.1f   %s\n", names[tool], wall, median(c, nw), bytes / wall / 1e6, commas(lines / wall), median(m, nw) / 1024, note
            }
        }' "$RESULTS"
}

# wide_table: tally with the wide hourly key on the JSON Lines, its CPU and wall time over
# those of the default run just before it (same round, same inflater; for the --no-state
# run too, so that the two rows differ by the store's share alone).
wide_table() {
    printf '\nJSON Lines, all %s files, --by %s --granularity hour\n' "$NFILES" "$WIDE_KEY"
    awk "$AWK_HELPERS"'
        $7 == "ok" && ($1 == "wide16" || $1 == "wideref16") { val[$1, $2, $3, "wall"] = $4; val[$1, $2, $3, "cpu"] = $5; val[$1, $2, $3, "rss"] = $6; ok[$1, $2, $3] = 1 }
        $1 == "wide16" { seen[$2] = 1; if ($7 != "ok") failed[$2]++; else if ($3 > maxRound) maxRound = $3 }
        END {
            printf "  %-24s %8s %8s %8s   %s\n", "tool", "wall s", "CPU s", "RSS MiB", "CPU and wall vs the default run (target)"
            n = split("tally-zlib tally-zlib-nostate tally-isal tally-isal-nostate", order, " ")
            names["tally-zlib"] = "tally --inflater zlib"; names["tally-isal"] = "tally --inflater isal"
            names["tally-zlib-nostate"] = "  the same, --no-state"; names["tally-isal-nostate"] = "  the same, --no-state"
            for (i = 1; i <= n; i++) {
                tool = order[i]; if (!seen[tool]) continue
                ref = tool; sub(/-nostate$/, "", ref)
                nw = nr = 0; split("", w); split("", c); split("", m); split("", rc); split("", rw)
                for (round = 1; round <= maxRound; round++) {
                    if (!(("wide16", tool, round) in ok)) continue
                    w[++nw] = val["wide16", tool, round, "wall"]; c[nw] = val["wide16", tool, round, "cpu"]; m[nw] = val["wide16", tool, round, "rss"]
                    if (("wideref16", ref, round) in ok) {
                        rc[++nr] = val["wide16", tool, round, "cpu"] / val["wideref16", ref, round, "cpu"]
                        rw[nr] = val["wide16", tool, round, "wall"] / val["wideref16", ref, round, "wall"]
                    }
                }
                if (!nw) { printf "  %-24s %s\n", names[tool], "failed in every round"; continue }
                note = "no default run to compare"
                if (nr) {
                    cpu = median(rc, nr); wall = median(rw, nr) # sorts rc and rw
                    note = sprintf("%.2fx CPU%s, %.2fx wall%s", cpu, nr > 1 ? sprintf(" [rounds %.2f-%.2f]", rc[1], rc[nr]) : "", \
                        wall, nr > 1 ? sprintf(" [rounds %.2f-%.2f]", rw[1], rw[nr]) : "")
                    # The target is for the run as a user runs it, with the store; the --no-state row shows its share.
                    if (tool == ref) note = note sprintf(" (<= 1.30: %s)", cpu <= 1.30 && wall <= 1.30 ? "met" : "MISSED")
                }
                if (failed[tool]) note = note sprintf(" [failed in %d rounds]", failed[tool])
                printf "  %-24s %8.3f %8.3f %8.1f   %s\n", names[tool], median(w, nw), median(c, nw), median(m, nw) / 1024, note
            }
        }' "$RESULTS"
}

report() {
    local fmt col lines bytes one_name one_lines one_bytes jbytes events
    echo
    echo "tally bench: SIZE=$SIZE ($(commas "$TOTAL_LINES") lines), ROUNDS=$ROUNDS, ONE_FILE_REPEATS=$ONE_FILE_REPEATS, $(nproc) cores," \
        "load average $LOAD_BEFORE before the rounds, $(cut -d' ' -f1 /proc/loadavg) after"
    echo "tally: ${TALLY_BIN:-not measured: $TALLY_NOTE}${TALLY_VERSION:+ ($TALLY_VERSION)}"
    echo "data: $DATA; duckdb: ${DUCKDB:-not installed}; chdb: ${CHDB:-not installed}"
    for fmt in jsonl csv; do
        col=$(bytes_col "$fmt")
        set_files "$fmt"
        read -r lines bytes < <(awk -v c="$col" '{ l += $2; b += $c } END { print l, b }' "$DATA/manifest.tsv")
        table "${fmt}16" "$( [[ $fmt == jsonl ]] && echo "JSON Lines" || echo CSV ), all $NFILES files" \
            "$lines" "$bytes" "$(cat "${FILES[@]}" | wc -c)"
        one_name=$(basename "$ONE_FILE" ".$fmt.gz")
        read -r one_lines one_bytes < <(awk -v n="$one_name" -v c="$col" '$1 == n { print $2, $c }' "$DATA/manifest.tsv")
        table "${fmt}1" "$( [[ $fmt == jsonl ]] && echo "JSON Lines" || echo CSV ), one file ($one_name)" \
            "$one_lines" "$one_bytes" "$(wc -c <"$ONE_FILE")"
    done
    if grep -q '^wide16 ' "$RESULTS"; then wide_table; fi
    if [[ -n $TALLY_CLF ]]; then
        set_files clf
        read -r lines events bytes jbytes < <(awk '{ l += $5; e += $2; b += $6; j += $3 } END { print l, e, b, j }' "$DATA/manifest.tsv")
        clf_table "$lines" "$events" "$bytes" "$(cat "${FILES[@]}" | wc -c)" "$jbytes"
    fi
    echo
    local c
    for c in "${CHECKS[@]}"; do echo "check: $c"; done
    echo "$MEMORY_LINE"
}

main() {
    [[ $# == 0 || $* == data ]] || die "usage: [SIZE=quick|full|LINES] [ROUNDS=3] [TALLY=path] $0 [data]"
    parse_size
    mkdir -p "$BENCH_DIR"
    local t0=$EPOCHREALTIME
    build_helpers
    printf '%s\n' "$CLF_SETTINGS" >"$CLF_CONFIG"
    ensure_events
    ensure_expected
    ensure_memory_data
    if [[ $* == data ]]; then
        echo "$DATA"
        return
    fi
    WORK=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
    RESULTS=$WORK/results
    : >"$RESULTS"
    CHECKS=()
    find_tally
    find_duckdb
    find_chdb
    run_rounds
    memory_check
    report
    say "bench: done in $(elapsed "$t0") s"
}

# main and exit on one line: bash reads the whole line before it runs it, so an edit to
# this file during a run is never read half-way.
main "$@"; exit
