#!/usr/bin/env bash
# Issue 8's start-up figures (s22-start, s23-start): 2,000,000 people, each
# with a name, a card, two levels, a clearance and a PIN hash. Enrols once
# (or takes VIGIL_BENCH_ENROLLED=<kept folder>), then starts main's vigild
# and this tree's alternately, each on its own copy: the first start and a
# second after a clean stop. Prints, per start, wall and CPU to the roster
# line and to the end of Daemon::start, VmHWM / VmRSS once the background
# full check has ended, and vigild's phase lines (the people load's CPU by
# thread among them).
# Usage: bench/start_2m_rerun.sh MAIN_VIGILD [ROUNDS] [PEOPLE]
# The bench comes from an -O2 tree (VIGIL_BENCH_TREE, default build-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:?usage: $0 MAIN_VIGILD [ROUNDS] [PEOPLE]}
tree=${VIGIL_BENCH_TREE:-build-bench}
date -u
uptime
VIGILD_BEFORE=$before VIGIL_BENCH_ROUNDS=${2:-2} VIGIL_BENCH_SECOND=1 VIGIL_PHASES=1 \
  "$tree/bench/bench_vigild_rss" "${3:-2000000}"
uptime
