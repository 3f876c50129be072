package dev.vendorpoller.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/** rejected_record: each distinct bad record once per feed (by reconciliation key), inside the page transaction. */
public final class RejectStore {
    private final JdbcTemplate jdbc;

    public RejectStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One rejected record as stored: its key, the vendor's id if it had one, the raw record and the errors (JSON). */
    public record Row(String reconciliationKey, String externalId, String rawPayload, String errorsJson, Instant rejectedAt) {
    }

    /** The rows not stored before for this feed, each key once, in input order (reads only). */
    public List<Row> unseen(String feed, List<Row> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, Row> byKey = new LinkedHashMap<>();
        rows.forEach(r -> byKey.putIfAbsent(r.reconciliationKey(), r));
        Set<String> known = new HashSet<>();
        for (List<String> chunk : Sql.chunks(new ArrayList<>(byKey.keySet()))) {
            List<Object> args = new ArrayList<>(chunk.size() + 1);
            args.add(feed);
            args.addAll(chunk);
            known.addAll(jdbc.queryForList("SELECT reconciliation_key FROM rejected_record WHERE feed = ?"
                    + " AND reconciliation_key IN (" + Sql.placeholders(chunk.size()) + ")", String.class, args.toArray()));
        }
        known.forEach(byKey::remove);
        return new ArrayList<>(byKey.values());
    }

    /** Stores rows {@link #unseen} returned, in the caller's transaction. */
    public void store(String feed, String pageCursor, List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        List<Object[]> args = new ArrayList<>(rows.size());
        for (Row r : rows) {
            args.add(new Object[] {feed, r.reconciliationKey(), Sql.truncate(r.externalId(), 255), r.rawPayload(),
                    r.errorsJson(), pageCursor, Sql.utc(r.rejectedAt())});
        }
        jdbc.batchUpdate("INSERT INTO rejected_record (feed, reconciliation_key, external_id, raw_payload, errors,"
                + " page_cursor, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?)", args);
    }

    /** A stored reject: its key and the raw record as the vendor sent it. */
    public record StoredReject(String reconciliationKey, String rawPayload) {
    }

    /** The feed's stored rejects, oldest first, or just the one with {@code reconciliationKey} when it is given. */
    public List<StoredReject> stored(String feed, String reconciliationKey) {
        return reconciliationKey == null
                ? jdbc.query("SELECT reconciliation_key, raw_payload FROM rejected_record WHERE feed = ? ORDER BY rejected_at",
                        (rs, i) -> new StoredReject(rs.getString(1), rs.getString(2)), feed)
                : jdbc.query("SELECT reconciliation_key, raw_payload FROM rejected_record WHERE feed = ? AND reconciliation_key = ?",
                        (rs, i) -> new StoredReject(rs.getString(1), rs.getString(2)), feed, reconciliationKey);
    }

    public void delete(String feed, String reconciliationKey) {
        jdbc.update("DELETE FROM rejected_record WHERE feed = ? AND reconciliation_key = ?", feed, reconciliationKey);
    }
}
