#!/usr/bin/env bash
# One budget per vendor account across the cluster (docs/cluster.md): acquisitions/s and DB round trips per request
# of governors sharing an account through PostgreSQL, then two service processes on one account of 100 requests / 10 s
# (per-window use and 429s next to the bars). Needs PostgreSQL on 127.0.0.1:5432 (trust auth, database test).
# Usage: bench/cluster-budget.sh [acquire|nodes|all] [windows=6]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests package
mvn -B -q -o test-compile
CP="target/vendor-poller.jar:target/test-classes:$(ls ~/.m2/repository/org/junit/jupiter/junit-jupiter-api/*/junit-jupiter-api-*.jar | head -1):$(ls ~/.m2/repository/org/opentest4j/opentest4j/*/opentest4j-*.jar | head -1)"
exec java -Xmx512m -cp "$CP" dev.vendorpoller.bench.ClusterBudgetBench "$@"
