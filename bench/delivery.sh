#!/usr/bin/env bash
# Delivery benchmarks (issue 11): the outbox drain against sinks on loopback, each figure next to its bar with
# PASS/FAIL (see DeliveryBenchmark). Usage: bench/delivery.sh [SCENARIOS, default 1,2,3,4] [PENDING for scenario 1]
# [SECONDS for scenario 5, the live run: bench/delivery.sh 5 0 120]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests package
mvn -B -q -o test-compile
exec java -Xmx1g -cp "target/vendor-poller.jar:target/test-classes" dev.vendorpoller.bench.DeliveryBenchmark "$@"
