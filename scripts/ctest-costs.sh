#!/usr/bin/env bash
# Prints ctest cost data (the format of Testing/Temporary/CTestCostData.txt:
# "name runs seconds") for every test that took at least MIN seconds (default
# 1) in any of the given ctest logs, the largest time of each test, slowest
# first. scripts/test.sh seeds a fresh tree with scripts/ctest-costs.txt so
# ctest starts the slow tests first (docs/design.md "CI: test phases").
# Refresh after a CI run:
#   bash scripts/ctest-costs.sh build/ctest.log build-asan/ctest.log > scripts/ctest-costs.txt
set -euo pipefail
min=${MIN:-1}
[[ $# -gt 0 ]] || { echo "usage: ctest-costs.sh CTEST_LOG..." >&2; exit 2; }
awk -v min="$min" '
  match($0, /Test +#[0-9]+: [^ ]+ /) {
    name = substr($0, RSTART, RLENGTH); sub(/^Test +#[0-9]+: /, "", name); sub(/ $/, "", name)
    if (!match($0, /[0-9.]+ sec$/)) next
    t = substr($0, RSTART) + 0
    if (t > max[name]) max[name] = t
  }
  END { for (n in max) if (max[n] >= min) printf "%s 1 %.2f\n", n, max[n] }
' "$@" | sort -k3,3nr -k1,1
