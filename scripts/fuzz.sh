#!/usr/bin/env bash
# fuzz.sh: libFuzzer over the gzip reader and the line parser, with AddressSanitizer.
#
# Run:  make fuzz                          (each fuzzer FUZZ_SECONDS, default 60)
#       FUZZ_SECONDS=600 make fuzz         (the ten minutes each that a release wants)
#       scripts/fuzz.sh gzip|parser        (one of them)
#
# Each harness (scripts/fuzz/*Fuzz.swift) is compiled with its module's sources into one binary
# under .build-fuzz/. The corpus starts from fixtures/ and grows in .build-fuzz/corpus-NAME/
# (kept between runs, not committed). A crash is saved as .build-fuzz/crash-*; copy it into
# fixtures/fuzz/FailCases/NAME/ so that `make test` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
out=.build-fuzz
mkdir -p "$out"
targets=("${@:-gzip parser}")
targets=(${targets[@]})

# library NAME: a module the harness's module imports, built on its own (Sources/NAME).
library() {
  swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name "$1" -emit-module \
    -emit-module-path "$out/$1.swiftmodule" -emit-library -static Sources/"$1"/*.swift -o "$out/lib$1.a"
}

build() {
  local name=$1 module=$2 harness=$3
  shift 3
  swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    -module-name "${module}Fuzz" "$@" Sources/"$module"/*.swift "scripts/fuzz/$harness" \
    -o "$out/$name-fuzz" 2> >(grep -v "Cannot export local symbol" >&2)
}

for name in "${targets[@]}"; do
  corpus="$out/corpus-$name"
  mkdir -p "$corpus"
  case $name in
    gzip)
      # The reader's C (the CRC-32 kernel, the optional ISA-L inflater) as objects, sanitized too.
      for c in CTallyKernels/tally_crc32 CIsal/tally_isal; do
        clang -c -O2 -g -fsanitize=fuzzer-no-link,address -I "Sources/$(dirname "$c")/include" \
          "Sources/$c.c" -o "$out/$(basename "$c").o"
      done
      library TallyPaths
      library TallyThreads
      build gzip TallyReader GzipFuzz.swift -I Sources/CTallyZlib -I Sources/CTallyKernels/include \
        -I Sources/CIsal/include -I "$out" -L "$out" -lTallyPaths -lTallyThreads "$out/tally_crc32.o" \
        "$out/tally_isal.o" -lz
      # Seeds: small gzip files in the shapes of the corpus (members, headers, padding).
      if [ -z "$(ls -A "$corpus")" ]; then
        head -c 3000 fixtures/gzip/payload.jsonl > "$out/seed.txt"
        gzip -n -c "$out/seed.txt" > "$corpus/single.gz"
        { head -c 1000 "$out/seed.txt" | gzip -n -c; tail -c 2000 "$out/seed.txt" | gzip -n -c; } > "$corpus/two.gz"
        { gzip -n -c "$out/seed.txt"; head -c 64 /dev/zero; } > "$corpus/padded.gz"
        gzip -c -N "$out/seed.txt" > "$corpus/named.gz"
        printf '' | gzip -n -c > "$corpus/empty.gz"
        ! command -v bgzip >/dev/null || bgzip -c "$out/seed.txt" > "$corpus/bgzf.gz"
      fi
      ;;
    parser)
      # The parser's C kernels (CTallyKernels) as one object, with the same sanitizers.
      clang -c -O2 -g -fsanitize=fuzzer-no-link,address -I Sources/CTallyKernels/include \
        Sources/CTallyKernels/tally_kernels.c -o "$out/tally_kernels.o"
      library TallyBytes
      library TallyTime
      build parser TallyParser ParserFuzz.swift -I Sources/CTallyKernels/include -I "$out" -L "$out" -lTallyBytes \
        -lTallyTime "$out/tally_kernels.o"
      if [ -z "$(ls -A "$corpus")" ]; then
        # Seeds: the start of each sample log as plain text, after one byte for the harness's
        # choice of chunk size and line cap. (head closing the pipe early is expected: || true.)
        # The other formats' samples too, which auto-detection reads as access logs and as
        # ; | ^ delimited text.
        for f in fixtures/logs/* fixtures/formats/*/logs/*; do
          { printf 'A'; gzip -dcf "$f" | head -c 4000 || true; } > "$corpus/$(basename "$f").seed"
        done
      fi
      ;;
    *) echo "unknown fuzz target: $name (gzip or parser)" >&2; exit 64 ;;
  esac
  echo "fuzz: $name for ${seconds}s"
  status=0
  "$out/$name-fuzz" "$corpus" "fixtures/fuzz/FailCases/$name" -max_total_time="$seconds" \
    -rss_limit_mb=1024 -max_len=65536 -artifact_prefix="$out/" -print_final_stats=1 \
    > "$out/$name.log" 2>&1 || status=$?
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$out/$name.log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$out/$name.log" >&2
    echo "fuzz: $name FAILED (exit $status); the input is in $out/ (crash-*, leak-*, oom-*, timeout-*)" >&2
    exit 1
  fi
done
