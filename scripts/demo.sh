#!/usr/bin/env bash
# Demo: builds Vigil and runs the simulated demo site end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
echo "demo: the end-to-end site is not wired yet; core tests:"
(cd build && ctest -R vigil_core --output-on-failure | tail -3)
