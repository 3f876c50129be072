#!/usr/bin/env bash
# Delivery benchmarks (issue 11): the outbox drain against sinks on loopback, each figure next to its bar with
# PASS/FAIL (see DeliveryBenchmark). Usage: bench/delivery.sh [SCENARIOS, e.g. 1,3] [PENDING for scenario 1]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests package
mvn -B -q -o test-compile
exec java -Xmx1g -cp "target/vendor-poller.jar:target/test-classes" dev.vendorpoller.bench.DeliveryBenchmark "$@"
