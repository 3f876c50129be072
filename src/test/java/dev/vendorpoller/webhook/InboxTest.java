package dev.vendorpoller.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.StoreSettings;
import dev.vendorpoller.support.LocalPostgres;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One inbox row per (feed, delivery id), committed when store returns, on H2 and on PostgreSQL (ON CONFLICT DO
 * NOTHING): the same delivery stored by eight threads at once is stored once, and the other seven are told so.
 */
class InboxTest {

    @Test
    void h2_stores_a_delivery_once() throws Exception {
        String url = "jdbc:h2:file:" + Files.createTempDirectory("inbox-test").resolve("db");
        try (Database db = new Database(StoreSettings.of(url, "sa"))) {
            check(db, new Inbox(db.jdbc(), db.tx(), false, Clock.systemUTC()));
        }
    }

    @Test
    void postgresql_stores_a_delivery_once() throws Exception {
        LocalPostgres.assumeUp();
        String schema = LocalPostgres.createSchema("vp_inbox_");
        try (Database db = new Database(StoreSettings.of(LocalPostgres.url(schema), "postgres"))) {
            check(db, new Inbox(db.jdbc(), db.tx(), true, Clock.systemUTC()));
        } finally {
            LocalPostgres.dropSchema(schema);
        }
    }

    static void check(Database db, Inbox inbox) throws Exception {
        assertThat(inbox.store("pay", "evt_1", "stripe", "{\"id\":\"evt_1\"}")).isTrue();
        assertThat(inbox.store("pay", "evt_1", "stripe", "{\"id\":\"evt_1\",\"again\":true}")).isFalse();
        assertThat(inbox.store("other", "evt_1", "stripe", "{\"id\":\"evt_1\"}")).isTrue(); // ids are per feed
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> same = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                same.add(() -> inbox.store("pay", "evt_race", "stripe", "{}"));
            }
            long stored = 0;
            for (Future<Boolean> f : pool.invokeAll(same)) {
                stored += f.get() ? 1 : 0;
            }
            assertThat(stored).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
        List<Map<String, Object>> rows = db.jdbc().queryForList(
                "SELECT feed, delivery_id, style, body, state, attempts FROM webhook_inbox ORDER BY id");
        // the largest body the receivers take (max-body's ceiling, 1 000 000 bytes, so at most as many characters) fits
        String largest = "x".repeat((int) WebhookSettings.DEFAULT_MAX_BODY);
        assertThat(inbox.store("pay", "evt_largest", "stripe", largest)).isTrue();
        assertThat(db.jdbc().queryForObject("SELECT LENGTH(body) FROM webhook_inbox WHERE delivery_id = 'evt_largest'",
                Long.class)).isEqualTo(WebhookSettings.DEFAULT_MAX_BODY);
        db.jdbc().update("DELETE FROM webhook_inbox WHERE delivery_id = 'evt_largest'");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsEntry("body", "{\"id\":\"evt_1\"}").containsEntry("state", "PENDING")
                .containsEntry("attempts", 0);
        assertThat(db.jdbc().queryForObject("SELECT COUNT(*) FROM webhook_inbox WHERE next_attempt_at = received_at",
                Long.class)).isEqualTo(3);
    }
}
