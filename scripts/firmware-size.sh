#!/usr/bin/env bash
# Cross-compiles the firmware bridge's protocol and firmware core for a
# Cortex-M3 (Debian's arm-none-eabi-g++ and newlib: no exceptions, no RTTI,
# freestanding), checks that the core calls nothing that allocates or throws,
# and prints flash and RAM: the core alone, and a probe image with a
# 10,000-card cache and a 512-event offline ring (firmware/board/size_probe.cpp).
# Usage: firmware-size.sh [OUT_DIR]. Exits 77 (ctest SKIP) without the compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/firmware-size}
cxx=${ARM_CXX:-arm-none-eabi-g++}
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "firmware-size: SKIP: $cxx not installed (scripts/install-deps.sh installs gcc-arm-none-eabi)"
  exit 77
fi
if ! echo '#include <variant>' | "$cxx" -std=c++20 -x c++ -fsyntax-only - 2>/dev/null; then
  echo "firmware-size: SKIP: no C++ library for $cxx (libstdc++-arm-none-eabi-newlib)"
  exit 77
fi

flags=(-std=c++20 -mcpu=cortex-m3 -mthumb -Os -fno-exceptions -fno-rtti -ffreestanding
       -ffunction-sections -fdata-sections -Wall -Wextra -Wpedantic -Werror
       -Ifirmware-bridge/protocol/include -Ifirmware-bridge/firmware/include)
rm -rf "$out" && mkdir -p "$out/obj"
for src in firmware-bridge/protocol/src/*.cpp firmware-bridge/firmware/src/*.cpp; do
  "$cxx" "${flags[@]}" -c "$src" -o "$out/obj/$(basename "$src" .cpp).o"
done
arm-none-eabi-ar rcs "$out/libvigil_fwb.a" "$out"/obj/*.o

# What the core needs from outside itself: compiler helpers and mem* only.
defined=$(arm-none-eabi-nm --defined-only "$out/libvigil_fwb.a" | awk 'NF==3 {print $3}' | sort -u)
undefined=$(arm-none-eabi-nm -u "$out/libvigil_fwb.a" | awk '$1=="U" {print $2}' | sort -u)
external=$(comm -23 <(echo "$undefined") <(echo "$defined"))
bad=$(echo "$external" | grep -vE '^(__aeabi_[a-z0-9_]+|memcpy|memset|memmove|abort)$' || true)
if [[ -n "$bad" ]]; then
  echo "firmware-size: FAIL: the firmware core calls outside the allowed set:" >&2
  echo "$bad" >&2
  exit 1
fi

"$cxx" "${flags[@]}" firmware-bridge/firmware/board/size_probe.cpp "$out/libvigil_fwb.a" \
  --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections -o "$out/size_probe.elf"

echo "== firmware core (protocol + firmware), per object"
arm-none-eabi-size -t "$out/libvigil_fwb.a" | sed "s|$out/||"
echo "== probe image (core + newlib nano startup, 10,000-card cache, 512-event ring)"
arm-none-eabi-size "$out/size_probe.elf" | sed "s|$out/||"
read -r text data bss _ < <(arm-none-eabi-size "$out/size_probe.elf" | tail -1)
core_text=$(arm-none-eabi-size -t "$out/libvigil_fwb.a" | tail -1 | awk '{print $1}')
echo "firmware-size: core flash ${core_text} B; image flash $((text + data)) B, RAM $((data + bss)) B (of 262144 B)"
