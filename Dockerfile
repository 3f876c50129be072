# syntax=docker/dockerfile:1
# Build stage: the same Maven build as on a workstation (tests run in CI, not in the image build).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B --no-transfer-progress dependency:go-offline
COPY src ./src
COPY bench ./bench
RUN mvn -B --no-transfer-progress -DskipTests package
# The demo image: docker build --build-arg DEMO=true puts the demo vendor's jar among the extensions, so the bundled
# config/application.properties (vendor-poller.demo.enabled = true) polls the demo. The default image has no demo code.
ARG DEMO=false
RUN mkdir -p target/extensions && if [ "$DEMO" = "true" ]; then cp target/vendor-poller-demo.jar target/extensions/; fi

# Runtime: JRE only, non-root, routes and config next to the jar as the service expects. /app/extensions/* is on the
# class path for extension jars (the demo vendor's is one).
FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN groupadd --system poller && useradd --system --gid poller --home-dir /app poller
WORKDIR /app
COPY --from=build /src/target/vendor-poller.jar /app/vendor-poller.jar
COPY --from=build /src/target/extensions/ /app/extensions/
COPY routes /app/routes
COPY config /app/config
RUN mkdir -p /app/data && chown -R poller:poller /app/data
USER poller
# config/ holds application.properties (mount your own: the bundled one runs the demo vendor, which only the demo
# image, built with DEMO=true, holds); data/ holds the H2 database (keep it on a volume).
VOLUME ["/app/data", "/app/config"]
# Liveness only: a stale feed or a vendor outage is readiness (/observe/health/ready), which a restart would not fix.
# The management port binds 127.0.0.1; set CAMEL_MANAGEMENT_HOST=0.0.0.0 to scrape /observe/metrics from outside.
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD curl -fsS http://127.0.0.1:9876/observe/health/live || exit 1
# ParallelGC: a throughput collector suits a batch-shaped poller (+20 % records/s over G1 in bench/run.sh).
ENV JAVA_OPTS="-Xmx256m -XX:+UseParallelGC" \
    VENDOR_POLLER_LOG_FORMAT=json
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp '/app/vendor-poller.jar:/app/extensions/*' dev.vendorpoller.app.VendorPollerApp --config /app/config/application.properties \"$@\"", "--"]

