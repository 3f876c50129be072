#!/usr/bin/env bash
# Governor benchmarks against the in-process demo vendor, counted on what the vendor saw (see GovernorBenchmark).
# Usage: bench/governor.sh budget|hidden|outage [IETF|X] [DELTA|EPOCH]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests package
mvn -B -q -o test-compile
exec java -Xmx512m -cp "target/vendor-poller.jar:target/test-classes" dev.vendorpoller.bench.GovernorBenchmark "$@"
