package dev.vendorpoller.feed;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a feed resumes: the vendor's opaque continuation value, or the start of the data. Immutable; it only ever
 * moves forward to a value the vendor gave, and is never reset to empty at the end of data (a restart resumes).
 */
public final class Cursor {
    private static final Cursor START = new Cursor(null);
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

    @Override
    public String toString() {
        return value == null ? "<start>" : value;
    }
}
