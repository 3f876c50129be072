#!/usr/bin/env bash
# Webhook burst (issue 15): RATE signed webhooks/s (Standard Webhooks style) for SECONDS s on loopback against the
# service in-process on H2, one in ten repeated; each figure next to its bar with PASS/FAIL (see WebhookBenchmark):
# 0 lost, p99 time to the 2xx <= 50 ms, every delivery stored exactly once, then every one in the ledger and at the
# sink exactly once, with the time from sending the webhook to the sink accepting it (p50/p99).
# Usage: bench/webhooks.sh [RATE, default 1000] [SECONDS, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests package
mvn -B -q -o test-compile
exec java -Xmx1g -cp "target/vendor-poller.jar:target/test-classes" dev.vendorpoller.bench.WebhookBenchmark "$@"
