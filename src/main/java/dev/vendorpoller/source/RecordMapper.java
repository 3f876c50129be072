package dev.vendorpoller.source;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Picks the fields of one vendor record into its kind's raw record (e.g. a
 * {@link dev.vendorpoller.record.registration.RawRegistration}); the kind's contract then decides what they mean.
 *
 * @param <R> the raw record type of the kind the source yields
 */
@FunctionalInterface
public interface RecordMapper<R> {
    R map(JsonNode vendorRecord);
}
