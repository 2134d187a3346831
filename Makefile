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

.PHONY: all build rollup test lint bench fuzz fixtures install clean

all: build

build:
	$(SWIFT) build $(RELEASE)

$(TALLY): Package.swift $(shell find Sources -name '*.swift' -o -name '*.h' -o -name '*.modulemap')
	$(SWIFT) build $(RELEASE)

# ARGS: more options for tally rollup (ARGS=--rebuild after changing TZ: the state store in
# $(OUT)/.tally holds the counts of one zone).
rollup: $(TALLY)
	$(TALLY) rollup $(LOGS) --out $(OUT) --tz $(ZONE) --verbose $(ARGS)

# The results also go to .build/test-results-swift-testing.xml (JUnit XML), which CI reads.
# Then two checks by independent readers, each skipped, saying why, where its Python package
# is missing: the --xlsx workbook read back by openpyxl, and scripts/spark_rollup.py on Spark
# in local mode against tally rollup (pyspark and Java).
test:
	$(SWIFT) build --product tally
	$(SWIFT) test --xunit-output .build/test-results.xml
	python3 scripts/xlsx_check_test.py .build/debug/tally
	python3 scripts/spark_rollup_test.py .build/debug/tally

# The formatting of every Swift file, as .swift-format has it (swift format format -i fixes it).
lint:
	$(SWIFT) format lint --strict -r Sources Tests scripts/fuzz Package.swift

bench:
	bash scripts/bench/bench.sh

fuzz:
	bash scripts/fuzz.sh

fixtures:
	python3 scripts/gen_fixtures.py
	python3 scripts/gen_format_fixtures.py

# make install PREFIX=/usr/local: the binary, its man page (swift-argument-parser's
# generate-manual plugin) and shell completions (its --generate-completion-script).
PREFIX ?= /usr/local
install: $(TALLY)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(TALLY) $(DESTDIR)$(PREFIX)/bin/tally
	mkdir -p .build/manual
	$(SWIFT) package plugin --allow-writing-to-package-directory generate-manual --output-directory .build/manual
	install -m 644 .build/manual/tally.1 $(DESTDIR)$(PREFIX)/share/man/man1/tally.1
	$(TALLY) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/tally
	$(TALLY) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_tally
	$(TALLY) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/tally.fish

clean:
	rm -rf .build $(OUT)
