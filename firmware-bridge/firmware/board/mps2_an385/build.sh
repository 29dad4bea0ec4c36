#!/usr/bin/env bash
# Builds the QEMU mps2-an385 door board image: the firmware core and this
# board layer, for a Cortex-M3 with Debian's arm-none-eabi-g++ (no
# exceptions, no RTTI, no heap). Usage: build.sh OUT.elf. Exits 77 without
# the compiler.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
out=${1:?usage: build.sh OUT.elf}
cxx=${ARM_CXX:-arm-none-eabi-g++}
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "mps2-an385 board: SKIP: $cxx not installed" >&2
  exit 77
fi
flags=(-std=c++20 -mcpu=cortex-m3 -mthumb -Os -g -fno-exceptions -fno-rtti -ffreestanding
       -fno-threadsafe-statics -ffunction-sections -fdata-sections
       -Wall -Wextra -Wpedantic -Werror
       -I"$root/firmware-bridge/protocol/include" -I"$root/firmware-bridge/firmware/include")
mkdir -p "$(dirname "$out")"
"$cxx" "${flags[@]}" -nostartfiles --specs=nano.specs --specs=nosys.specs \
  -T "$here/link.ld" -Wl,--gc-sections \
  "$here/startup.cpp" "$here/main.cpp" \
  "$root"/firmware-bridge/protocol/src/*.cpp "$root"/firmware-bridge/firmware/src/*.cpp \
  -Wl,-Map="$out.map" -o "$out"
