package dev.vendorpoller.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.support.FreshPostgresSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Leases on the machine's PostgreSQL, in a schema of their own: one node at a time, taken over once expired. */
class LeasesTest extends FreshPostgresSchema {
    LeasesTest() {
        super("leases_");
    }

    @Test
    void should_let_one_node_hold_a_lane_until_its_lease_expires_and_then_another_take_it() throws Exception {
        Leases a = Leases.of(db.jdbc(), "a", Duration.ofMillis(800));
        Leases b = Leases.of(db.jdbc(), "b", Duration.ofMillis(800));

        assertThat(a.hold("outbox-forms-sink")).as("a free lease").isTrue();
        assertThat(b.hold("outbox-forms-sink")).as("held by a").isFalse();
        assertThat(b.hold("outbox-forms-reject")).as("another lane is free").isTrue();
        assertThat(a.hold("outbox-forms-sink")).as("a renews its own").isTrue();

        Thread.sleep(1_000); // a stops renewing, as a killed node does
        assertThat(b.hold("outbox-forms-sink")).as("expired: b takes it over").isTrue();
        assertThat(a.hold("outbox-forms-sink")).as("now b's").isFalse();

        b.close(); // a graceful stop gives b's leases back at once
        assertThat(a.hold("outbox-forms-sink")).isTrue();
    }

    @Test
    void should_give_a_free_lease_to_exactly_one_of_many_nodes_asking_at_once() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                String lane = "outbox-lane-" + round;
                List<Callable<Boolean>> asks = new ArrayList<>();
                for (int node = 0; node < 8; node++) {
                    Leases leases = Leases.of(db.jdbc(), "node-" + node, Duration.ofMinutes(1));
                    asks.add(() -> leases.hold(lane));
                }
                int holders = 0;
                for (Future<Boolean> f : pool.invokeAll(asks)) {
                    holders += f.get() ? 1 : 0;
                }
                assertThat(holders).as("nodes that got " + lane).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void should_always_hold_on_a_single_node() {
        Leases single = Leases.single();
        assertThat(single.hold("outbox-forms-sink")).isTrue();
        assertThat(single.hold("outbox-forms-sink")).isTrue();
    }
}
