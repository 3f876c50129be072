package dev.vendorpoller.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Vendor timestamps to UTC instants. Accepted: ISO-8601 with {@code Z} or an offset, and epoch seconds (number or
 * digit string). A local date-time without zone is refused: guessing its zone would shift the ledger silently. A time
 * outside the years 1 to 9999 (which no database column and no epoch-millisecond key holds), or a number no instant
 * can hold at all, is unreadable too, never an exception: the record is rejected, the page goes on.
 */
public final class Timestamps {
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private Timestamps() {
    }

    /** @return the instant, or null if the value is missing or not one of the accepted forms */
    public static Instant toUtc(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? epochSeconds(value.longValue()) : null;
        }
        if (!value.isTextual()) {
            return null;
        }
        String text = value.textValue().trim();
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit) && text.length() <= 12) {
            return epochSeconds(Long.parseLong(text));
        }
        try {
            return inRange(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static Instant epochSeconds(long seconds) {
        try {
            return inRange(Instant.ofEpochSecond(seconds));
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static Instant inRange(Instant at) {
        return at.isBefore(EARLIEST) || at.isAfter(LATEST) ? null : at;
    }
}
