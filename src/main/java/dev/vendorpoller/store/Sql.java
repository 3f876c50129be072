package dev.vendorpoller.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Small portable-SQL helpers shared by the stores. */
public final class Sql {
    /** Below both H2's and PostgreSQL's limits on bind parameters per statement. */
    public static final int IN_CHUNK = 500;

    private Sql() {
    }

    public static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    public static <T> List<List<T>> chunks(List<T> items) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < items.size(); i += IN_CHUNK) {
            chunks.add(items.subList(i, Math.min(items.size(), i + IN_CHUNK)));
        }
        return chunks;
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
