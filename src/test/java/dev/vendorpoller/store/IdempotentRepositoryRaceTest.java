package dev.vendorpoller.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.support.FreshPostgresSchema;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes recording one key at once on PostgreSQL. camel-sql's repository does a SELECT, then an INSERT: both nodes
 * see the key as new, and the losing INSERT fails with a unique violation that aborts its whole transaction. Ours
 * inserts with ON CONFLICT DO NOTHING: the loser learns it lost from the row count, and its transaction is intact.
 */
class IdempotentRepositoryRaceTest extends FreshPostgresSchema {
    private BatchingJdbcMessageIdRepository nodeA;
    private BatchingJdbcMessageIdRepository nodeB;

    IdempotentRepositoryRaceTest() {
        super("vp_idem_");
    }

    @BeforeEach
    void repositories() {
        nodeA = new BatchingJdbcMessageIdRepository(db.jdbc(), db.tx(), "feed", db.postgres());
        nodeB = new BatchingJdbcMessageIdRepository(db.jdbc(), db.tx(), "feed", db.postgres());
    }

    @Test
    void a_key_added_by_two_nodes_at_once_is_new_for_exactly_one_and_fails_neither() throws Exception {
        CountDownLatch recorded = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> db.tx().executeWithoutResult(s -> {
            nodeA.record(List.of("k1"));
            recorded.countDown();
            await(release);
        }));
        await(recorded);
        CompletableFuture<Boolean> b = CompletableFuture.supplyAsync(() -> nodeB.add("k1"));
        Thread.sleep(500);
        assertThat(b).as("node B waits for node A's uncommitted key").isNotDone();
        release.countDown();
        a.get(20, TimeUnit.SECONDS);
        assertThat(b.get(20, TimeUnit.SECONDS)).as("node A took it; B's add says 'seen'").isFalse();
        assertThat(nodeB.add("k2")).isTrue();
        assertThat(db.jdbc().queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Integer.class)).isEqualTo(2);
    }

    @Test
    void a_page_that_planned_with_a_key_another_node_then_recorded_is_told_so_without_an_aborted_transaction() throws Exception {
        CountDownLatch recorded = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> db.tx().executeWithoutResult(s -> {
            nodeA.record(List.of("k1"));
            recorded.countDown();
            await(release);
        }));
        await(recorded);
        CompletableFuture<String> b = CompletableFuture.supplyAsync(() -> db.tx().execute(s -> {
            Set<String> unseen = nodeB.unseen(List.of("k1", "k2"));
            assertThat(unseen).as("A's key is not committed yet").containsExactly("k1", "k2");
            try {
                nodeB.record(unseen);
                return "recorded";
            } catch (BatchingJdbcMessageIdRepository.ConcurrentlyRecordedException e) {
                // the transaction is not aborted (ON CONFLICT DO NOTHING): it can still answer, then rolls back
                int visible = db.jdbc().queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Integer.class);
                s.setRollbackOnly();
                return "lost the race; transaction alive, sees " + visible;
            }
        }));
        Thread.sleep(500);
        release.countDown();
        a.get(20, TimeUnit.SECONDS);
        // it sees A's k1 (committed) and its own k2: the insert of k1 did nothing, the transaction goes on
        assertThat(b.get(20, TimeUnit.SECONDS)).isEqualTo("lost the race; transaction alive, sees 2");
        assertThat(db.jdbc().queryForList("SELECT messageId FROM CAMEL_MESSAGEPROCESSED", String.class))
                .as("B rolled back: k2 comes again with B's retry").containsExactly("k1");
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(20, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
