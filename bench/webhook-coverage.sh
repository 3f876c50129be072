#!/usr/bin/env bash
# What counting webhook coverage costs a page commit (issue 15): the page transaction as on main, with a row per new
# version (dropped design), and with one coverage row update per page (kept), interleaved page by page.
# Usage: bench/webhook-coverage.sh [PAGES, default 330]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests package
mvn -B -q -o test-compile
exec java -Xmx512m -cp "target/vendor-poller.jar:target/test-classes" dev.vendorpoller.bench.CoverageCostBenchmark "$@"
