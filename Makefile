# The two quick-start commands: `make demo` and `make test`.
# Both install missing Debian packages, configure, build and run.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

FUZZ_SECONDS ?= 60
# `make test` also fuzzes each target this long (0: skip).
FUZZ_SECONDS_IN_TEST ?= 10
FUZZ_TARGETS = csv_reader policy audit_log query

.PHONY: all deps configure build test test-asan test-tsan fuzz demo bench clean

all: build

deps:
	@bash deploy/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600
	@if [ "$(FUZZ_SECONDS_IN_TEST)" != "0" ]; then \
	  $(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SECONDS_IN_TEST); fi

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
# (g++ 12 reports "may be used uninitialized" inside libstdc++'s
# std::function when std::regex is built with the sanitizers: a false
# positive that -Werror would turn into a failed build.)
test-asan: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -Wno-maybe-uninitialized" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --output-on-failure -j $(JOBS) --timeout 900

# The tests of the work that runs on two threads and syncs with the
# standard library's primitives (the solver thread, secondary suppression
# solving ahead, the protector's audits, the audit log's writer and syncs)
# under ThreadSanitizer. Debian's Abseil is not instrumented, so code that
# absl::Mutex guards (the ledger, the pipeline) would show races that are
# not there; those tests are left out. (-Wno-tsan: g++ 12 warns that
# atomic_thread_fence in Abseil's headers is not supported by TSan.)
TSAN_TESTS = policies/policies_test policies/lp/lp_test audit/audit_test
test-tsan: deps
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS="-fsanitize=thread -Wno-maybe-uninitialized -Wno-tsan" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
	@cmake --build build-tsan -j $(JOBS) --target $(notdir $(TSAN_TESTS))
	@for t in $(TSAN_TESTS); do \
	  (cd build-tsan/$$(dirname $$t) && TSAN_OPTIONS=halt_on_error=1 ./$$(basename $$t)) || exit 1; \
	done

# The fuzz targets under libFuzzer with AddressSanitizer and UBSan (clang),
# each for FUZZ_SECONDS from its corpus in tests/fuzz/corpus; new inputs go
# to build-fuzz/found/<target>. A crash stops with the input saved.
fuzz:
	@bash deploy/install-deps.sh fuzz
	@CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCELLGATE_FUZZ=ON \
	  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" >/dev/null
	@cmake --build build-fuzz -j $(JOBS) $(addprefix --target fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/found/$$t; \
	  echo "fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  build-fuzz/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=build-fuzz/found/$$t- \
	    build-fuzz/found/$$t tests/fuzz/corpus/$$t > build-fuzz/found/$$t.log 2>&1 \
	    || { tail -40 build-fuzz/found/$$t.log; echo "fuzz_$$t failed: input saved in build-fuzz/found/"; exit 1; }; \
	  tail -1 build-fuzz/found/$$t.log; \
	done

demo: build
	@bash deploy/demo/run-demo.sh $(BUILD_DIR)

# Every benchmark with its baseline (docs/performance.md), not part of
# `make test`. Data (up to 10 million Musterstadt records, several GB)
# goes to $(BUILD_DIR)/bench-data; results (JSON, the report tables and
# the growth chart) to $(BENCH_OUT). BENCH_MAX_ROWS=1000000 for a quick run.
BENCH_REPS ?= 3
BENCH_MAX_ROWS ?= 10000000
BENCH_OUT ?= $(BUILD_DIR)/bench-results
BENCH_ENV = CELLGATE_BENCH_DIR=$(CURDIR)/$(BUILD_DIR)/bench-data CELLGATE_BENCH_MAX_ROWS=$(BENCH_MAX_ROWS)
BENCH_FLAGS = --benchmark_repetitions=$(BENCH_REPS) --benchmark_report_aggregates_only=true \
  --benchmark_out_format=json
bench: build
	@mkdir -p $(BENCH_OUT)
	@{ nproc; uptime; } > $(BENCH_OUT)/machine-before.txt
	$(BENCH_ENV) $(BUILD_DIR)/bin/engine_benchmark $(BENCH_FLAGS) --benchmark_out=$(BENCH_OUT)/engine.json
	$(BENCH_ENV) $(BUILD_DIR)/bin/load_benchmark $(BENCH_FLAGS) --benchmark_out=$(BENCH_OUT)/load.json
	$(BENCH_ENV) $(BUILD_DIR)/bin/e2e_benchmark $(BENCH_FLAGS) --benchmark_out=$(BENCH_OUT)/e2e.json
	$(BENCH_ENV) $(BUILD_DIR)/bin/cellgate-load --clients 64 --seconds 20 | tee $(BENCH_OUT)/throughput.txt
	-$(BENCH_ENV) $(BUILD_DIR)/bin/cellgate-load --clients 64 --seconds 20 --fresh 1 | tee $(BENCH_OUT)/throughput-fresh.txt
	$(BENCH_ENV) $(BUILD_DIR)/bin/protection_benchmark $(BENCH_FLAGS) --benchmark_out=$(BENCH_OUT)/protection.json
	$(BENCH_ENV) $(BUILD_DIR)/bin/ledger_benchmark --benchmark_filter='Alone|Unrelated|Related/(1|10|100)/|RelatedSums|RelatedDirect' \
	  --benchmark_out_format=json --benchmark_out=$(BENCH_OUT)/ledger.json
	$(BENCH_ENV) $(BUILD_DIR)/bin/audit_benchmark --benchmark_out_format=json --benchmark_out=$(BENCH_OUT)/audit.json
	@uptime > $(BENCH_OUT)/machine-after.txt
	python3 tests/bench/bench_report.py $(BENCH_OUT) --svg $(BENCH_OUT)/growth.svg | tee $(BENCH_OUT)/report.md

clean:
	rm -rf $(BUILD_DIR) build-asan build-fuzz demo-out
