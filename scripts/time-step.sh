#!/usr/bin/env bash
# Compiler/linker launcher for scripts/build-times.sh: runs the step and appends
# "compile|link user sys output" to $VIGIL_TIME_LOG.
out=? kind=link prev=
for arg in "$@"; do
  if [[ $prev == -o ]]; then out=$arg; fi
  if [[ $arg == -c ]]; then kind=compile; fi
  prev=$arg
done
exec /usr/bin/time -a -o "${VIGIL_TIME_LOG:-/dev/null}" -f "$kind %U %S $out" "$@"
