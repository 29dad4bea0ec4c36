#!/usr/bin/env bash
# Measures where a from-scratch build spends its CPU time, without ccache:
#   bash scripts/build-times.sh DIR [cmake options...]
# configures DIR with a compiler and linker launcher that logs user+sys seconds
# of every compile and link to DIR/times.log, builds everything with -j${JOBS:-2},
# and prints the totals and the heaviest steps.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
shift
launcher=$PWD/scripts/time-step.sh
rm -rf "$dir"
export CCACHE_DISABLE=1
cmake -S . -B "$dir" "$@" \
  -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" -DCMAKE_C_COMPILER_LAUNCHER="$launcher" \
  -DCMAKE_CXX_LINKER_LAUNCHER="$launcher" -DCMAKE_C_LINKER_LAUNCHER="$launcher" >/dev/null
log=$PWD/$dir/times.log
: >"$log"
start=$(date +%s)
VIGIL_TIME_LOG=$log cmake --build "$dir" -j"${JOBS:-2}" >"$dir/build.log" 2>&1
end=$(date +%s)
python3 - "$log" "$((end - start))" <<'PY'
import sys
rows = []
for line in open(sys.argv[1]):
    kind, user, sys_, out = line.split(maxsplit=3)
    rows.append((kind, float(user) + float(sys_), out.strip()))
for kind in ("compile", "link"):
    sel = [r for r in rows if r[0] == kind]
    print(f"{kind}: {len(sel)} steps, {sum(r[1] for r in sel):.0f} s CPU")
print(f"total: {sum(r[1] for r in rows):.0f} s CPU, {sys.argv[2]} s wall")
print("heaviest steps:")
for kind, cpu, out in sorted(rows, key=lambda r: -r[1])[:25]:
    print(f"  {cpu:6.1f} {kind:7} {out}")
PY
