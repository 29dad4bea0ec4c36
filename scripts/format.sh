#!/usr/bin/env bash
# Formats (or with --check, verifies) every C++ file with the committed .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.c' 2>/dev/null || true)
if [[ ${#files[@]} -eq 0 ]]; then exit 0; fi
if [[ "${1:-}" == "--check" ]]; then
  clang-format --dry-run --Werror "${files[@]}"
  echo "format: ${#files[@]} files clean"
else
  clang-format -i "${files[@]}"
fi
