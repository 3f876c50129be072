#!/usr/bin/env bash
# Issue 12's lookback workload against an in-process live vendor (see LookbackBenchmark): budget share once caught up
# and nothing missed, for an eventbrite-attendees and a continuation-since feed side by side.
# Usage: bench/lookback.sh [quick|before]   (default: lookback 5m, about 14 minutes; quick: lookback 30s, about 3
# minutes; before: the old design, every scan from mark - lookback, 4 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests package
mvn -B -q -o test-compile
exec java -Xmx512m -cp "target/vendor-poller.jar:target/test-classes" dev.vendorpoller.bench.LookbackBenchmark "$@"
