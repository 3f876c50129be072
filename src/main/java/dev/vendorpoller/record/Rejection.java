package dev.vendorpoller.record;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * What the reject endpoint receives. {@code reconciliation_key} is SHA-256 of feed and the raw record, so the same
 * bad record read twice yields the same key (stored once) and a fixed record can be matched to its reject.
 */
@JsonPropertyOrder({"reconciliation_key", "feed", "external_id", "rejected_at", "errors", "raw"})
public record Rejection(
        @JsonProperty("reconciliation_key") String reconciliationKey,
        @JsonProperty("feed") String feed,
        @JsonProperty("external_id") String externalId,
        @JsonProperty("rejected_at") Instant rejectedAt,
        @JsonProperty("errors") List<FieldError> errors,
        @JsonProperty("raw") JsonNode raw) {
}
