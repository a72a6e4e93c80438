# The two quick-start commands: `make demo` and `make test`.
# Both install missing Debian packages, configure, build and run.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

FUZZ_SECONDS ?= 60
# `make test` also fuzzes each target this long (0: skip).
FUZZ_SECONDS_IN_TEST ?= 10
FUZZ_TARGETS = csv_reader policy audit_log query

.PHONY: all deps configure build test test-asan fuzz demo clean

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
test-asan: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --output-on-failure -j $(JOBS) --timeout 900

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

clean:
	rm -rf $(BUILD_DIR) build-asan build-fuzz demo-out
