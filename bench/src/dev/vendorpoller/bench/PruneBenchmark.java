package dev.vendorpoller.bench;

import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.store.BatchingJdbcMessageIdRepository;
import dev.vendorpoller.store.CursorStore;
import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.IdempotencyPrune;
import dev.vendorpoller.store.Retention;
import dev.vendorpoller.store.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The idempotency prune against page commits on the embedded H2 file with its pool of one connection (issue 12): seeds
 * the key table (80 % older than the 90-day retention), then prunes while another thread commits a page of 100 keys
 * and the cursor every 20 ms, as the poll route does, and reports the longest any page commit took from asking for
 * the connection to its commit. Bar: no page commit waits more than 1 s.
 *
 * <p>Usage: {@code bench/prune.sh [keys=5000000] [batch=1000] [batched|single]}; {@code single} runs the old
 * one-statement DELETE instead, for comparison.
 */
public final class PruneBenchmark {
    private static final long BAR_MILLIS = 1_000;

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        boolean single = args.length > 2 && args[2].equals("single");
        Path dir = Files.createTempDirectory("prune-bench");
        try (Database db = new Database(StoreSettings.of("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0", "sa"))) {
            long seedStart = System.nanoTime();
            int old = seed(db, keys);
            System.out.printf(Locale.ROOT, "seeded %,d keys (%,d older than the retention) in %.1f s%n", keys, old,
                    (System.nanoTime() - seedStart) / 1e9);

            BatchingJdbcMessageIdRepository repository = new BatchingJdbcMessageIdRepository(db.jdbc(), db.tx(), "bench");
            CursorStore cursors = new CursorStore(db.jdbc());
            AtomicBoolean pruning = new AtomicBoolean(true);
            List<Long> waits = new ArrayList<>();
            Thread pages = new Thread(() -> {
                int page = 0;
                while (pruning.get()) {
                    int n = page++;
                    long asked = System.nanoTime();
                    db.tx().executeWithoutResult(s -> {
                        List<String> ids = new ArrayList<>(100);
                        for (int i = 0; i < 100; i++) {
                            ids.add(BatchingJdbcMessageIdRepository.messageId(Instant.now(), "page-" + n + "-" + i));
                        }
                        repository.record(repository.unseen(ids));
                        cursors.save("bench", Cursor.of("c" + n));
                    });
                    synchronized (waits) {
                        waits.add((System.nanoTime() - asked) / 1_000_000);
                    }
                    sleep(20);
                }
            }, "page-commits");
            pages.start();
            sleep(200);
            long pruneStart = System.nanoTime();
            long deleted = single
                    ? db.tx().execute(s -> (long) db.jdbc().update("DELETE FROM CAMEL_MESSAGEPROCESSED WHERE createdAt < ?",
                            new Retention(Duration.ofDays(90)).cutoff()))
                    : new IdempotencyPrune(db.jdbc(), db.tx(), new Retention(Duration.ofDays(90)), batch).prune();
            double pruneSeconds = (System.nanoTime() - pruneStart) / 1e9;
            sleep(200);
            pruning.set(false);
            pages.join();
            long max = waits.stream().mapToLong(Long::longValue).max().orElse(0);
            List<Long> sorted = waits.stream().sorted().toList();
            long p99 = sorted.isEmpty() ? 0 : sorted.get((int) Math.floor(sorted.size() * 0.99));
            System.out.printf(Locale.ROOT, "prune (%s): deleted %,d keys in %.1f s%n", single ? "one DELETE" : "batches of " + batch,
                    deleted, pruneSeconds);
            System.out.printf(Locale.ROOT, "page commits during the prune: %d, p99 %d ms, max wait %d ms (bar: <= %d ms) %s%n",
                    waits.size(), p99, max, BAR_MILLIS, max <= BAR_MILLIS ? "PASS" : "FAIL");
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** {@code keys} keys, time-ordered like real ones; the first 80 % a hundred days old. Returns how many are old. */
    private static int seed(Database db, int keys) {
        int old = keys / 5 * 4;
        Instant oldStart = Instant.now().minus(Duration.ofDays(120));
        Instant now = Instant.now();
        int chunk = 20_000;
        for (int from = 0; from < keys; from += chunk) {
            List<Object[]> rows = new ArrayList<>(chunk);
            for (int i = from; i < Math.min(keys, from + chunk); i++) {
                // a page of 100 keys per instant, as the page commit records them
                Instant at = i < old ? oldStart.plusMillis(i / 100 * 50L) : now.minusMillis(keys - i);
                rows.add(new Object[] {"bench", BatchingJdbcMessageIdRepository.messageId(at, String.format("%064x", i)),
                        Timestamp.from(at)});
            }
            db.tx().executeWithoutResult(s -> db.jdbc().batchUpdate(
                    "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, ?)", rows));
        }
        return old;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
