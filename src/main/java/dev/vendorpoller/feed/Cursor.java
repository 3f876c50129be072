package dev.vendorpoller.feed;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a feed resumes: the vendor's opaque continuation value, or the start of the data. Immutable; it only ever
 * moves forward to a value the vendor gave, and is never reset to empty at the end of data (a restart resumes).
 */
public final class Cursor {
    private static final Cursor START = new Cursor(null);
    private static final int SHORT = 48;
    private final String value;

    private Cursor(String value) {
        this.value = value;
    }

    public static Cursor start() {
        return START;
    }

    public static Cursor of(String value) {
        return value == null || value.isBlank() ? START : new Cursor(value);
    }

    public Optional<String> value() {
        return Optional.ofNullable(value);
    }


    /** The cursor after a page: the vendor's next value, or this one when the vendor gave none. */
    public Cursor advanceTo(String next) {
        return next == null || next.isBlank() ? this : new Cursor(next);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cursor c && Objects.equals(value, c.value);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value);
    }

    /** For a log line or the status page: short cursors as they are, long ones (JSON state) cut in the middle. */
    public String shortened() {
        return shorten(value);
    }

    /** {@link #shortened()} of a raw stored value; null is the start of the data. */
    public static String shorten(String raw) {
        if (raw == null || raw.isBlank()) {
            return "<start>";
        }
        String flat = raw.replaceAll("\\s+", " ");
        return flat.length() <= SHORT ? flat : flat.substring(0, SHORT - 14) + "…" + flat.substring(flat.length() - 13);
    }

    @Override
    public String toString() {
        return value == null ? "<start>" : value;
    }
}
