package dev.vendorpoller.cursor;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/** The feed_cursor table. {@link #save} joins the caller's transaction (the page commit). */
public final class CursorStore {
    private final JdbcTemplate jdbc;

    public CursorStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Cursor load(String feed) {
        List<String> rows = jdbc.queryForList("SELECT cursor_value FROM feed_cursor WHERE feed = ?", String.class, feed);
        return rows.isEmpty() ? Cursor.start() : Cursor.of(rows.get(0));
    }

    public void save(String feed, Cursor cursor) {
        String value = cursor.value().orElse(null);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        int updated = jdbc.update("UPDATE feed_cursor SET cursor_value = ?, pages_committed = pages_committed + 1,"
                + " updated_at = ? WHERE feed = ?", value, now, feed);
        if (updated == 0) {
            jdbc.update("INSERT INTO feed_cursor (feed, cursor_value, pages_committed, updated_at) VALUES (?, ?, 1, ?)",
                    feed, value, now);
        }
    }
}
