#!/bin/bash
# decide() at scale, before and after: builds bench_decide_scale.cpp (this
# tree's, which prints a digest of every decision) against the core of a
# base commit and against this tree's core, both -O2 -g -DNDEBUG as
# RelWithDebInfo, then runs them alternately. Same digest = same decisions.
# Usage: bench/decide_before_after.sh [BASE=main] [ROUNDS=3] [N=2000000]
set -euo pipefail
base=${1:-main}; rounds=${2:-3}; n=${3:-2000000}
tree=$(cd "$(dirname "$0")/.." && pwd)
work=${VIGIL_DECIDE_WORK:-/tmp/decide-pair}
build() {  # build SRC OUT: SRC's core objects and this tree's bench
  mkdir -p "$2/obj"
  for f in "$1"/daemon/core/src/*.cpp; do
    b=$(basename "$f" .cpp); [ "$b" = pin_hash ] && continue  # OpenSSL, not on decide's path
    ccache g++ -std=c++20 -O2 -g -DNDEBUG -I "$1/daemon/core/include" -I "$1/daemon/core/src" \
      -c "$f" -o "$2/obj/$b.o"
  done
  ccache g++ -std=c++20 -O2 -g -DNDEBUG -I "$1/daemon/core/include" \
    "$tree/bench/bench_decide_scale.cpp" "$2"/obj/*.o -o "$2/bench_decide_scale"
}
rm -rf "$work/base-src" && mkdir -p "$work/base-src"
git -C "$tree" archive "$base" daemon/core | tar x -C "$work/base-src"
build "$work/base-src" "$work/base"
build "$tree" "$work/new"
for i in $(seq "$rounds"); do
  echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$work/base/bench_decide_scale" "$n" | sed "s/^/base $base: /"
  "$work/new/bench_decide_scale" "$n" | sed 's/^/new: /'
done
