package dev.vendorpoller.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database goes away under a running cluster and comes back: two nodes (the fat jar) on a PostgreSQL server of
 * the test's own, a backlog being read and delivered, the server stopped (fast shutdown: every connection dropped) for
 * 20 s and started again. The nodes must carry on by themselves — no restart — and lose nothing: every version
 * ledgered once, every one delivered (a repeat only with its Idempotency-Key), the outbox empty.
 */
class DatabaseRestartIT {
    static final int RECORDS = 400;
    static final Duration OUTAGE = Duration.ofSeconds(20);
    PrivatePostgres pg;
    ClusterIT.Vendor vendor;
    RecordingSink sink;
    Path dir;
    final List<ServiceProcess> nodes = new ArrayList<>();

    @BeforeEach
    void serverVendorAndSink() throws Exception {
        pg = PrivatePostgres.start(ClusterIT.freePort());
        vendor = new ClusterIT.Vendor(Duration.ofMillis(30));
        sink = new RecordingSink();
        dir = Files.createTempDirectory("db-restart-it");
    }

    @AfterEach
    void stopAll() throws Exception {
        for (ServiceProcess node : nodes) {
            node.ensureDead();
        }
        if (vendor != null) {
            vendor.close();
        }
        if (sink != null) {
            sink.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void the_nodes_recover_by_themselves_when_postgresql_comes_back_and_lose_nothing() throws Exception {
        vendor.records("big", RECORDS);
        for (String node : List.of("a", "b")) {
            Path config = dir.resolve(node + ".properties");
            Files.write(config, ClusterIT.nodeConfig(pg.url(), node, ClusterIT.freePort(), vendor, sink.uri("/sink")),
                    StandardCharsets.UTF_8);
            nodes.add(ServiceProcess.start(config, dir.resolve(node + ".log"), false, List.of(), Map.of()));
        }
        await("the backlog under way", Duration.ofSeconds(60), () -> query("SELECT COUNT(*) FROM ledger_registration") >= 40);

        pg.stop();
        long stoppedAt = System.nanoTime();
        Thread.sleep(OUTAGE.toMillis());
        assertThat(nodes).as("the nodes ride out the outage").allMatch(ServiceProcess::isAlive);
        pg.start();
        long restartedAt = System.nanoTime();
        String back = java.time.Instant.now().toString();
        await("the first page committed after the restart", Duration.ofSeconds(60),
                () -> query("SELECT COUNT(*) FROM feed_cursor WHERE updated_at > TIMESTAMP WITH TIME ZONE '" + back + "'") > 0);
        long resumedMillis = (System.nanoTime() - restartedAt) / 1_000_000;

        await("the backlog ledgered after the restart", Duration.ofSeconds(120),
                () -> query("SELECT COUNT(*) FROM ledger_registration") == RECORDS);
        long recoveredMillis = (System.nanoTime() - restartedAt) / 1_000_000;
        await("every version delivered and the outbox empty", Duration.ofSeconds(90),
                () -> sink.keys("/sink").size() == RECORDS && query("SELECT COUNT(*) FROM outbox") == 0);

        System.out.printf("DatabaseRestartIT: PostgreSQL down %d s; first page committed %d ms and backlog complete %d ms after it"
                + " came back; %d posts for %d versions%n", (restartedAt - stoppedAt) / 1_000_000_000, resumedMillis, recoveredMillis,
                sink.deliveries("/sink").size(), RECORDS);
        assertThat(nodes).as("no node restarted or died").allMatch(ServiceProcess::isAlive);
        assertThat(query("SELECT COUNT(*) FROM ledger_registration WHERE versions_seen <> 1")).as("nothing applied twice").isZero();
        assertThat(query("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED")).as("one key per version").isEqualTo(RECORDS);
        assertThat(sink.postsWithoutKey()).isZero();
        assertThat(query("SELECT COUNT(*) FROM dead_letter")).as("an outage of the database is no page's fault: no dead letter")
                .isZero();
        assertThat(query("SELECT COUNT(*) FROM qrtz_scheduler_state")).as("both nodes checked in again").isEqualTo(2);
    }

    private long query(String sql) {
        return ServiceProcess.queryPostgres(pg.url(), sql);
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        ServiceProcess.await(what, timeout, condition, nodes);
    }
}
