package dev.vendorpoller.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Vendor timestamps to UTC instants. Accepted: ISO-8601 with {@code Z} or an offset, and epoch seconds (number or
 * digit string). A local date-time without zone is refused: guessing its zone would shift the ledger silently.
 */
public final class Timestamps {
    private Timestamps() {
    }

    /** @return the instant, or null if the value is missing or not one of the accepted forms */
    public static Instant toUtc(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return Instant.ofEpochSecond(value.longValue());
        }
        if (!value.isTextual()) {
            return null;
        }
        String text = value.textValue().trim();
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit) && text.length() <= 12) {
            return Instant.ofEpochSecond(Long.parseLong(text));
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
