#!/usr/bin/env bash
# Installs what is missing, builds Vigil twice (normal with GCC; ASan+UBSan
# with clang, which also builds the libFuzzer targets), runs every test in
# both builds and each fuzz target for a bounded time. The last line is
# ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

jobs=$(nproc)
werror=OFF
debug_info=full
# Test code is compiled at -O0 in the normal build too (the libraries and
# vigild under test keep -O2): 43% less compile CPU for test TUs.
# CI: warnings are errors; line tables only (-g1) in both builds, a quarter
# and a tenth off their compile times; sanitizer and fuzzer reports keep
# function names and lines (docs/design.md, "CI build time").
if [[ "${CI:-}" == "true" ]]; then werror=ON debug_info=lines; fi

echo "== format check"
bash scripts/format.sh --check

echo "== configure: normal (GCC) and sanitizer (clang: ASan+UBSan, and the fuzz targets) builds"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_WERROR=$werror \
  -DVIGIL_DEBUG_INFO=$debug_info -DVIGIL_TEST_OPT=-O0
# One clang tree serves the sanitizer suite and the libFuzzer targets: its
# libraries are compiled once, with ASan+UBSan and the fuzzer's coverage
# hooks, for both (docs/design.md, "CI: one clang tree for the sanitizer
# suite and the fuzz targets"). A tree configured by GCC before is started
# afresh: CMake cannot switch a tree's compiler.
if [[ -f build-asan/CMakeCache.txt ]] && ! grep -q '^CMAKE_CXX_COMPILER:.*clang' build-asan/CMakeCache.txt; then
  rm -rf build-asan
fi
CC=clang-14 CXX=clang++-14 cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DVIGIL_SANITIZE=ON \
  -DVIGIL_FUZZ=ON -DVIGIL_FUZZ_SECONDS=10 -DVIGIL_BUILD_BENCH=OFF -DVIGIL_WERROR=$werror \
  -DVIGIL_DEBUG_INFO=$debug_info

# One jobserver for both trees: no core idles while one tree links or waits
# for its last big compile (docs/design.md, "CI build time").
echo "== normal and sanitizer builds (-j$jobs in all)"
make -f scripts/builds.mk -j"$jobs" -Otarget JOBS="$jobs" BUILDS="build@all build-asan@all"

# Tests run two per core: most of their time is spent waiting (for vigild,
# mosquitto, a browser, a timer), not computing; four per core missed more
# 5 s deadlines on a loaded machine (docs/benchmarks.md). A fresh tree gets
# the committed test costs, so ctest starts the slow tests first instead of
# ending on them. (docs/design.md, "CI: test phases")
test_jobs=${VIGIL_TEST_JOBS:-$((jobs * 2))}
# The sanitizer options of the ASan+UBSan suite and of the fuzz targets.
asan_options=detect_leaks=1:abort_on_error=1
ubsan_options=print_stacktrace=1:halt_on_error=1

# run_suite DIR TIMEOUT [CTEST ARGS]: the whole suite, then once more only the tests that
# failed. A test that passes on the second run is named as flaky in the
# summary (never quietly); one that fails twice fails the run.
# (docs/design.md, "CI: failed tests are named and run once more")
run_suite() {
  local dir=$1 timeout=$2 rc
  shift 2
  local costs=$dir/Testing/Temporary/CTestCostData.txt
  if [[ ! -f $costs ]]; then mkdir -p "${costs%/*}" && cp scripts/ctest-costs.txt "$costs"; fi
  set +e
  (cd "$dir" && ctest --output-on-failure -j"$test_jobs" --timeout "$timeout" "$@") | tee "$dir/ctest.log"
  rc=${PIPESTATUS[0]}
  sed -n '/The following tests FAILED:/,$p' "$dir/ctest.log" | grep -E '^\s+[0-9]+ - ' \
    > "$dir/first-failures.txt"
  if [[ $rc -ne 0 && -s "$dir/first-failures.txt" ]]; then
    echo "== $dir: running the $(wc -l < "$dir/first-failures.txt") failed test(s) once more"
    # -FA: the rerun must not pull in the mqtt_capture fixture: its setup
    # clears the capture the whole suite left, and its cleanup would then
    # validate an empty capture and fail (stop 18's CI).
    (cd "$dir" && ctest --rerun-failed -FA mqtt_capture --output-on-failure --timeout "$timeout") |
      tee "$dir/ctest-rerun.log"
    rc=${PIPESTATUS[0]}
  fi
  set -e
  return $rc
}

# The fuzz targets run in the background, niced, while both suites run:
# their bounded runs fill the cores the waiting tests leave idle and never
# take a core a test wants. The corpus replay is whole either way.
echo "== fuzz targets: started in the background (reported after the tests)"
(
  export ASAN_OPTIONS=$asan_options UBSAN_OPTIONS=$ubsan_options
  # From the fuzz folder: ctest keeps its Testing/ records there, apart from
  # the suite's (whose failed-test list the rerun below reads).
  cd build-asan/tests/fuzz && exec nice -n 19 ctest -j"$jobs" --output-on-failure > ../../fuzz.log 2>&1
) &
fuzz_pid=$!

echo "== tests (normal build)"
normal_rc=0
run_suite build 300 || normal_rc=$?

echo "== tests (ASan+UBSan build)"
export ASAN_OPTIONS=$asan_options UBSAN_OPTIONS=$ubsan_options
asan_rc=0
run_suite build-asan 600 -LE fuzz || asan_rc=$?

echo "== fuzz targets (clang, libFuzzer, bounded runs over the committed corpora)"
fuzz_rc=0
wait "$fuzz_pid" || fuzz_rc=$?
cat build-asan/fuzz.log

# ctest lists skipped tests after its summary; repeat the summaries last.
echo "== summary"
echo "fuzz targets:    $(grep -E 'tests passed|tests failed' build-asan/fuzz.log | tail -1)"
for dir in build build-asan; do
  label="normal build:   "
  [[ $dir == build-asan ]] && label="ASan+UBSan build:"
  echo "$label $(grep -E 'tests passed|tests failed' "$dir/ctest.log" | tail -1)"
  if [[ -s "$dir/first-failures.txt" ]]; then
    echo "  failed on the first run:"
    sed 's/^/  /' "$dir/first-failures.txt"
    echo "  once more: $(grep -E 'tests passed|tests failed' "$dir/ctest-rerun.log" 2>/dev/null | tail -1)"
  fi
done
exit $(( normal_rc != 0 || asan_rc != 0 || fuzz_rc != 0 ))
