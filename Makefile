# tally: make rollup (the sample job), make test (the test suite), make bench (speed report),
# make fuzz (libFuzzer over the gzip reader and the line parser).

SWIFT ?= swift
LOGS ?= fixtures/logs
OUT ?= out
# Only a TZ given on the command line counts: the TZ of the environment is the machine's own
# setting (often ":/etc/localtime"), not a choice of rollup zone.
ZONE := $(if $(filter command line,$(origin TZ)),$(TZ),UTC)
TALLY := .build/release/tally
# The Swift runtime and Foundation are linked in: the binary needs no Swift installed where it
# runs (only the C and C++ runtimes and zlib; ISA-L where installed), and starts faster, which
# counts on a run over one small hourly file (docs/PERFORMANCE.md).
RELEASE := -c release --static-swift-stdlib --product tally

.PHONY: all build rollup test bench fuzz fixtures clean

all: build

build:
	$(SWIFT) build $(RELEASE)

$(TALLY): Package.swift $(shell find Sources -name '*.swift' -o -name '*.h' -o -name '*.modulemap')
	$(SWIFT) build $(RELEASE)

rollup: $(TALLY)
	$(TALLY) rollup $(LOGS) --out $(OUT) --tz $(ZONE) --verbose

test:
	$(SWIFT) build --product tally
	$(SWIFT) test

bench:
	bash scripts/bench.sh

fuzz:
	bash scripts/fuzz.sh

fixtures:
	python3 scripts/gen_fixtures.py

clean:
	rm -rf .build $(OUT)
