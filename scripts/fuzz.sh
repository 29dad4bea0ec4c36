#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each one for
# SECONDS (default 20) over its committed corpus. New finds stay in
# build-fuzz/tests/fuzz/found/; a crash fails the run and leaves its input there.
# `fuzz.sh SECONDS --configure-only` only configures build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
# VIGIL_DEBUG_INFO=lines (scripts/test.sh under CI) builds with -g1: crash
# reports keep functions and lines.
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVIGIL_FUZZ=ON -DVIGIL_BUILD_BENCH=OFF -DVIGIL_FUZZ_SECONDS="$seconds" \
  -DVIGIL_DEBUG_INFO="${VIGIL_DEBUG_INFO:-full}" >/dev/null
# scripts/test.sh configures here first and builds with its other trees.
if [[ "${2:-}" == "--configure-only" ]]; then exit 0; fi
cmake --build build-fuzz -j"$(nproc)" --target fuzz_all
cd build-fuzz && ctest -L fuzz -j"$(nproc)" --output-on-failure
