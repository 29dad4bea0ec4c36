#!/usr/bin/env bash
# Issue 8's start-up figures (s22-start): 2,000,000 people, each with a name,
# a card, two levels, a clearance and a PIN hash. Enrols once, then starts
# main's vigild and this tree's alternately, each on its own copy: the first
# start after the enrolment and a second after a clean stop. Prints, per
# start, wall and CPU to the roster line and to the end of Daemon::start,
# and VmHWM / VmRSS once the background full check has ended.
# Usage: bench/start_2m_rerun.sh MAIN_VIGILD [ROUNDS] [PEOPLE]
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:?usage: $0 MAIN_VIGILD [ROUNDS] [PEOPLE]}
date -u
uptime
VIGILD_BEFORE=$before VIGIL_BENCH_ROUNDS=${2:-2} VIGIL_BENCH_SECOND=1 VIGIL_PHASES=1 \
  build/bench/bench_vigild_rss "${3:-2000000}"
uptime
