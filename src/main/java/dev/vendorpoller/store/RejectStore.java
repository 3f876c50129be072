package dev.vendorpoller.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.record.Rejection;
import dev.vendorpoller.store.Sql;
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
    private final ObjectMapper json;

    public RejectStore(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** @return the rejections not stored before (a re-read page does not reject its records twice) */
    public List<Rejection> storeNew(String feed, String pageCursor, List<Rejection> rejections) {
        if (rejections.isEmpty()) {
            return List.of();
        }
        Map<String, Rejection> byKey = new LinkedHashMap<>();
        rejections.forEach(r -> byKey.putIfAbsent(r.reconciliationKey(), r));
        Set<String> known = new HashSet<>();
        for (List<String> chunk : Sql.chunks(new ArrayList<>(byKey.keySet()))) {
            List<Object> args = new ArrayList<>(chunk.size() + 1);
            args.add(feed);
            args.addAll(chunk);
            known.addAll(jdbc.queryForList("SELECT reconciliation_key FROM rejected_record WHERE feed = ?"
                    + " AND reconciliation_key IN (" + Sql.placeholders(chunk.size()) + ")", String.class, args.toArray()));
        }
        known.forEach(byKey::remove);
        List<Object[]> rows = new ArrayList<>();
        for (Rejection r : byKey.values()) {
            try {
                rows.add(new Object[] {feed, r.reconciliationKey(), Sql.truncate(r.externalId(), 255), r.raw().toString(),
                        json.writeValueAsString(r.errors()), pageCursor, Sql.utc(r.rejectedAt())});
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        if (!rows.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO rejected_record (feed, reconciliation_key, external_id, raw_payload, errors,"
                    + " page_cursor, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows);
        }
        return new ArrayList<>(byKey.values());
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
