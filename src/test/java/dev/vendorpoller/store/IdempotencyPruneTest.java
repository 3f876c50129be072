package dev.vendorpoller.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.support.LocalPostgres;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The idempotency prune on a real database (H2 file with its pool of one connection, and PostgreSQL where it runs):
 * it seeks the createdAt index and deletes in bounded batches, handing the connection back between them, so a page
 * commit never waits for the whole prune (issue 12, "A prune that stalls the pages"; bench/prune.sh measures it with
 * 5 million keys).
 */
class IdempotencyPruneTest {
    static final int OLD = 5_500;
    static final int RECENT = 100;
    Database db;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    Database h2() throws Exception {
        db = new Database(StoreSettings.of("jdbc:h2:file:" + Files.createTempDirectory("prune").resolve("db") + ";WRITE_DELAY=0", "sa"));
        return db;
    }

    /** OLD keys 100 days old (a page's worth of keys per timestamp, as page commits record them) and RECENT new ones. */
    void seed() {
        List<Object[]> rows = new ArrayList<>();
        Instant old = Instant.now().minus(Duration.ofDays(100));
        for (int i = 0; i < OLD; i++) {
            rows.add(new Object[] {"feed", "old-" + i, Timestamp.from(old.plusMillis(i / 50))});
        }
        for (int i = 0; i < RECENT; i++) {
            rows.add(new Object[] {"feed", "new-" + i, Timestamp.from(Instant.now())});
        }
        db.jdbc().batchUpdate("INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, ?)", rows);
    }

    long keys() {
        return db.jdbc().queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Long.class);
    }

    @Test
    void should_index_createdAt_so_the_prune_seeks_its_oldest_keys() throws Exception {
        h2();
        long indexed = db.jdbc().queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEX_COLUMNS"
                + " WHERE TABLE_NAME = 'CAMEL_MESSAGEPROCESSED' AND COLUMN_NAME = 'CREATEDAT' AND ORDINAL_POSITION = 1", Long.class);
        assertThat(indexed).isEqualTo(1);
        String plan = db.jdbc().queryForObject("EXPLAIN SELECT createdAt FROM CAMEL_MESSAGEPROCESSED WHERE createdAt < ?"
                + " ORDER BY createdAt OFFSET 999 ROWS FETCH FIRST 1 ROW ONLY", String.class, Timestamp.from(Instant.now()));
        assertThat(plan).containsIgnoringCase("IX_MESSAGEPROCESSED_CREATED");
    }

    @Test
    void should_prune_in_bounded_batches_and_let_a_page_commit_in_between_on_a_pool_of_one() throws Exception {
        h2();
        seed();
        assertThat(db.dataSource().getMaximumPoolSize()).isEqualTo(1);
        BatchingJdbcMessageIdRepository repository = new BatchingJdbcMessageIdRepository(db.jdbc(), db.tx(), "feed");
        CursorStore cursors = new CursorStore(db.jdbc());
        List<Long> keysAfterEachBatch = new ArrayList<>();
        int[] pages = {0};

        long deleted = new IdempotencyPrune(db.jdbc(), db.tx(), new Retention(Duration.ofDays(90)), 1_000).pruneInBatches(() -> {
            keysAfterEachBatch.add(keys());
            // a page commit between two batches: it gets the only connection at once
            db.tx().executeWithoutResult(s -> {
                repository.record(List.of("page-" + pages[0]));
                cursors.save("feed", Cursor.of("c" + pages[0]));
            });
            pages[0]++;
        });

        assertThat(deleted).isEqualTo(OLD);
        assertThat(keysAfterEachBatch).as("each batch deletes at most 1 000 keys plus those sharing its last instant (50)")
                .hasSize(6);
        for (int i = 1; i < keysAfterEachBatch.size(); i++) {
            assertThat(keysAfterEachBatch.get(i - 1) + 1 - keysAfterEachBatch.get(i)).isBetween(1L, 1_050L);
        }
        assertThat(keys()).as("recent keys and the pages' keys stay").isEqualTo(RECENT + pages[0]);
    }

    @Test
    void should_prune_in_bounded_batches_on_postgresql_too() throws Exception {
        LocalPostgres.assumeUp();
        String schema = LocalPostgres.createSchema("vp_");
        try {
            db = new Database(StoreSettings.of(LocalPostgres.url(schema), "postgres"));
            seed();
            int[] batches = {0};
            long deleted = new IdempotencyPrune(db.jdbc(), db.tx(), new Retention(Duration.ofDays(90)), 1_000)
                    .pruneInBatches(() -> batches[0]++);
            assertThat(deleted).isEqualTo(OLD);
            assertThat(batches[0]).isEqualTo(6);
            assertThat(keys()).isEqualTo(RECENT);
        } finally {
            db.close();
            db = null;
            LocalPostgres.dropSchema(schema);
        }
    }
}
