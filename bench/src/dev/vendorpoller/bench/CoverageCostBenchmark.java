package dev.vendorpoller.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.cluster.Leases;
import dev.vendorpoller.demo.DemoData;
import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.record.Hashes;
import dev.vendorpoller.record.PaymentStatus;
import dev.vendorpoller.record.registration.CanonicalRegistration;
import dev.vendorpoller.record.registration.RegistrationLedger;
import dev.vendorpoller.record.registration.TicketTier;
import dev.vendorpoller.store.BatchingJdbcMessageIdRepository;
import dev.vendorpoller.store.CursorStore;
import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.NamedLocks;
import dev.vendorpoller.store.StoreSettings;
import dev.vendorpoller.support.TestFeeds;
import dev.vendorpoller.webhook.Coverage;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What counting webhook coverage costs a page commit (issue 15), on H2 with the production migrations: the page
 * transaction as on main (idempotency keys, registration ledger, cursor), the same plus one version_seen row per new
 * version (the design dropped), and the same plus one coverage row update per page (the design kept). The three are
 * interleaved page by page in one JVM and one database, so load on the machine and the growing tables weigh on each
 * alike. Run: {@code bench/webhook-coverage.sh [PAGES=330]} (1000 records a page; the first 30 pages warm up).
 */
public final class CoverageCostBenchmark {
    private CoverageCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int pages = args.length > 0 ? Integer.parseInt(args[0]) : 330;
        int pageSize = 1000;
        var dir = Files.createTempDirectory("coverage-cost");
        try (var db = new Database(StoreSettings.of("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0", "sa"))) {
            db.jdbc().execute("CREATE TABLE version_seen (message_id VARCHAR(100) NOT NULL, feed VARCHAR(100) NOT NULL,"
                    + " first_path VARCHAR(10) NOT NULL, first_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,"
                    + " webhook_at TIMESTAMP WITH TIME ZONE, PRIMARY KEY (message_id, feed))");
            var keys = new BatchingJdbcMessageIdRepository(db.jdbc(), db.tx(), "bench");
            var ledger = new RegistrationLedger(db.jdbc());
            var cursors = new CursorStore(db.jdbc());
            var metadata = new ObjectMapper().createObjectNode().put("channel", "web");
            var feed = new Feed(TestFeeds.registrations("bench"), null, null, keys, null);
            var polled = new Coverage(db.jdbc(), db.tx(), Leases.single(), new NamedLocks(db), Map.of("bench", Duration.ofMinutes(10)),
                    Clock.systemUTC()).polled();
            long[] nanos = new long[3];
            int[] count = new int[3];
            for (int i = 0; i < pages; i++) {
                int variant = i % 3;
                long from = (long) i * pageSize;
                List<CanonicalRegistration> page = new ArrayList<>(pageSize);
                for (long p = from; p < from + pageSize; p++) {
                    var updated = DemoData.updatedAt(p);
                    page.add(new CanonicalRegistration(Hashes.sha256Hex("bench", "reg-" + p, updated.toString()), "bench",
                            "reg-" + p, "attendee." + p + "@example.com", TicketTier.VIP, PaymentStatus.COMPLETED, updated,
                            updated, metadata));
                }
                long started = System.nanoTime();
                db.tx().executeWithoutResult(status -> {
                    var fresh = keys.unseen(page.stream().map(r -> BatchingJdbcMessageIdRepository
                            .messageId(r.sourceUpdatedAt(), r.idempotencyKey())).toList());
                    keys.record(fresh);
                    ledger.plan("bench", page).write();
                    cursors.save("bench", Cursor.of("pos:" + from));
                    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                    if (variant == 1) {
                        List<Object[]> rows = new ArrayList<>();
                        fresh.forEach(id -> rows.add(new Object[] {id, "bench", "POLL", now}));
                        db.jdbc().batchUpdate("INSERT INTO version_seen (message_id, feed, first_path, first_seen_at) VALUES (?, ?, ?, ?)", rows);
                    } else if (variant == 2) {
                        polled.seen(feed, fresh); // the production listener Ingest.commitPage calls
                    }
                });
                if (i >= 30) { // warm-up pages not counted
                    nanos[variant] += System.nanoTime() - started;
                    count[variant]++;
                }
            }
            String[] names = {"page tx as on main", "+ version_seen row per version", "+ one coverage row update per page"};
            for (int v = 0; v < 3; v++) {
                System.out.printf("%-36s %6.1f ms/page (%d pages of %d)%n", names[v], nanos[v] / 1e6 / count[v], count[v], pageSize);
            }
        }
    }
}
