#!/usr/bin/env bash
# Installs the Debian 12 packages Vigil builds, tests and demos with.
# Runs apt-get update first: the machine may be new.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git python3 clang-format
  libboost-dev libboost-system-dev libmodbus-dev libgpiod-dev
  libpaho-mqttpp-dev libpaho-mqtt-dev libsqlite3-dev sqlite3 libssl-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libspdlog-dev lld
  mosquitto mosquitto-clients tzdata procps
  clang-14 libfuzzer-14-dev python3-cryptography python3-jsonschema
  chromium chromium-driver python3-selenium
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm
)

if [[ "${CI:-}" != "true" ]] && dpkg -s "${packages[@]}" >/dev/null 2>&1; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${packages[@]}"
