package dev.vendorpoller.store;

import dev.vendorpoller.feed.Cursor;
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

    /**
     * Moves the cursor from {@code expected} to {@code next} inside the caller's transaction, locking the feed's row
     * first: false (nothing changed) when the stored cursor is no longer {@code expected}, i.e. an operator reset it
     * while this page was in flight.
     */
    public boolean advance(String feed, Cursor expected, Cursor next) {
        List<String> rows = jdbc.queryForList("SELECT cursor_value FROM feed_cursor WHERE feed = ? FOR UPDATE", String.class, feed);
        Cursor stored = rows.isEmpty() ? Cursor.start() : Cursor.of(rows.get(0));
        if (!stored.equals(expected)) {
            return false;
        }
        save(feed, next);
        return true;
    }

    /** Sets the cursor outright (operator reset); run inside a transaction, it waits for a page commit in progress. */
    public void reset(String feed, Cursor cursor) {
        jdbc.queryForList("SELECT cursor_value FROM feed_cursor WHERE feed = ? FOR UPDATE", String.class, feed);
        save(feed, cursor);
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
