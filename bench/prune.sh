#!/usr/bin/env bash
# The idempotency prune against page commits on embedded H2 (pool of one connection): max page-commit wait vs 1 s.
# Usage: bench/prune.sh [keys=5000000] [batch=1000] [batched|single]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests package
mvn -B -q -o test-compile
exec java -Xmx512m -cp "target/vendor-poller.jar:target/test-classes" dev.vendorpoller.bench.PruneBenchmark "$@"
