#!/usr/bin/env bash
# Cluster benchmarks (issue 14), each figure next to its bar (see ClusterBenchmark):
#   1. 1, 2 and 3 nodes (fat-jar processes) on one fresh PostgreSQL database, 60 feeds of a fast vendor:
#      records/s into the ledger and PostgreSQL's own commit rate (pg_stat_database.xact_commit);
#   2. 1 000 idle feeds on 1-minute schedules on one node: p99 schedule delay and CPU per poll;
#   3. budget use on a shared account: two nodes on one account of 100 requests / 10 s (bench/cluster-budget.sh nodes).
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth, database test; .ci/run starts it).
# Usage: bench/cluster.sh [all|throughput|idle|budget] [IDLE_SECONDS, default 120]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests package
mvn -B -q -o test-compile
mode="${1:-all}"
if [[ "$mode" != budget ]]; then
  java -Xmx512m -cp "target/vendor-poller.jar:target/test-classes" dev.vendorpoller.bench.ClusterBenchmark "$@"
fi
if [[ "$mode" == all || "$mode" == budget ]]; then
  bench/cluster-budget.sh nodes
fi
