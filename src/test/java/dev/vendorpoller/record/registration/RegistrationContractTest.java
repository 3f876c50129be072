package dev.vendorpoller.record.registration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.record.Contracts;
import dev.vendorpoller.record.FieldError;
import dev.vendorpoller.record.Hashes;
import dev.vendorpoller.record.PaymentStatus;
import dev.vendorpoller.record.Rejection;
import dev.vendorpoller.source.SourceAdapter;
import dev.vendorpoller.source.SourceTypes;
import dev.vendorpoller.support.TestFeeds;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrationContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Contracts contracts = new Contracts(Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC));
    private final RegistrationContract contract = new RegistrationContract("forms", TestFeeds.REGISTRATIONS, contracts);
    private final FeedConfig feed = TestFeeds.registrations("forms");
    @SuppressWarnings("unchecked")
    private final SourceAdapter<RawRegistration> adapter = (SourceAdapter<RawRegistration>) SourceTypes.create(feed, new ConfigReader(key -> java.util.Optional.empty()));

    private ContractResult check(String json) throws Exception {
        return contract.check(adapter.map(JSON.readTree(json)));
    }

    private static CanonicalRegistration registration(ContractResult result) {
        return (CanonicalRegistration) ((ContractResult.Valid) result).record();
    }

    private static String record(String id, String email, String sku, String status, String created, String updated) {
        return "{\"id\":" + id + ",\"email\":" + email + ",\"ticket_sku\":" + sku + ",\"payment_status\":" + status
                + ",\"created_at\":" + created + ",\"updated_at\":" + updated + ",\"metadata\":{\"seat\":\"A1\",\"n\":[1,2]}}";
    }

    @Test
    void should_normalise_a_valid_record_into_the_canonical_registration() throws Exception {
        ContractResult result = check(record("\"r-1\"", "\"  Ada.Lovelace@Example.COM \"", "\"VIP-2026\"", "\"Paid\"",
                "\"2026-03-01T12:00:00+02:00\"", "1772366400"));

        assertThat(result).isInstanceOf(ContractResult.Valid.class);
        CanonicalRegistration r = registration(result);
        assertThat(r.source()).isEqualTo("forms");
        assertThat(r.externalId()).isEqualTo("r-1");
        assertThat(r.email()).isEqualTo("ada.lovelace@example.com");
        assertThat(r.ticketTier()).isEqualTo(TicketTier.VIP);
        assertThat(r.paymentStatus()).isEqualTo(PaymentStatus.COMPLETED);
        assertThat(r.registeredAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(r.sourceUpdatedAt()).isEqualTo(Instant.ofEpochSecond(1772366400));
        assertThat(r.metadata().toString()).isEqualTo("{\"seat\":\"A1\",\"n\":[1,2]}");
        assertThat(r.idempotencyKey()).isEqualTo(Hashes.sha256Hex("forms", "r-1", Instant.ofEpochSecond(1772366400).toString(),
                Hashes.sha256Hex(r.email(), "VIP", "COMPLETED", "2026-03-01T10:00:00Z", "2026-03-01T12:00:00Z", "{\"seat\":\"A1\",\"n\":[1,2]}")))
                .matches("[0-9a-f]{64}");
    }

    @Test
    void should_serialise_the_canonical_registration_in_snake_case_with_utc_times() throws Exception {
        CanonicalRegistration r = registration(check(record("42", "\"a@b.io\"", "\"GA-2026\"", "\"pending\"",
                "\"2026-03-01T12:00:00Z\"", "\"2026-03-01T13:00:00.250-05:00\"")));
        JsonNode json = new ObjectMapper().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).valueToTree(r);

        assertThat(json.fieldNames()).toIterable().containsExactly("idempotency_key", "source", "external_id", "email",
                "ticket_tier", "payment_status", "registered_at", "source_updated_at", "metadata");
        assertThat(json.get("external_id").asText()).isEqualTo("42");
        assertThat(json.get("source_updated_at").asText()).isEqualTo("2026-03-01T18:00:00.250Z");
        assertThat(json.get("ticket_tier").asText()).isEqualTo("GENERAL_ADMISSION");
    }

    @Test
    void should_map_an_unknown_sku_to_unknown_tier_rather_than_reject() throws Exception {
        ContractResult result = check(record("\"r-2\"", "\"x@y.org\"", "\"PROMO-X\"", "\"REFUNDED\"", "1", "2"));

        assertThat(registration(result).ticketTier()).isEqualTo(TicketTier.UNKNOWN_TIER);
        assertThat(registration(result).paymentStatus()).isEqualTo(PaymentStatus.REFUNDED);
    }

    @Test
    void should_reject_with_every_error_the_record_has_and_keep_the_raw_payload() throws Exception {
        String raw = record("\"r-3\"", "\"not-an-email\"", "\"GA-2026\"", "\"chargeback\"", "\"yesterday\"", "\"2026-03-01T13:00:00\"");
        ContractResult result = check(raw);

        assertThat(result).isInstanceOf(ContractResult.Rejected.class);
        Rejection rejection = ((ContractResult.Rejected) result).rejection();
        assertThat(rejection.errors()).extracting(FieldError::field, FieldError::code).containsExactly(
                org.assertj.core.groups.Tuple.tuple("email", "email"),
                org.assertj.core.groups.Tuple.tuple("payment_status", "unknown_payment_status"),
                org.assertj.core.groups.Tuple.tuple("registered_at", "invalid_timestamp"),
                org.assertj.core.groups.Tuple.tuple("source_updated_at", "invalid_timestamp"));
        assertThat(rejection.raw()).isEqualTo(JSON.readTree(raw));
        assertThat(rejection.externalId()).isEqualTo("r-3");
        assertThat(rejection.feed()).isEqualTo("forms");
        assertThat(rejection.reconciliationKey()).isEqualTo(((ContractResult.Rejected) check(raw)).rejection().reconciliationKey());
    }

    @Test
    void should_reject_missing_required_fields_and_non_object_metadata() throws Exception {
        Rejection rejection = ((ContractResult.Rejected) check("{\"email\":\"a@b.io\",\"metadata\":[1]}")).rejection();

        assertThat(rejection.errors()).extracting(FieldError::field).containsExactly(
                "external_id", "metadata", "payment_status", "registered_at", "source_updated_at");
        assertThat(rejection.errors()).extracting(FieldError::code).contains("not_blank", "not_an_object", "not_null");
    }

    @Test
    void should_refuse_a_dotless_email_domain_and_a_local_time_without_offset() throws Exception {
        Rejection rejection = ((ContractResult.Rejected) check(record("\"r-4\"", "\"a@localhost\"", "null", "\"paid\"",
                "\"2026-03-01T12:00:00\"", "5"))).rejection();

        assertThat(rejection.errors()).extracting(FieldError::field).containsExactly("email", "registered_at");
    }

    @Test
    void should_accept_feed_specific_payment_spellings() throws Exception {
        var custom = new RegistrationContract("forms", new RegistrationSettings(TestFeeds.REGISTRATIONS.tiers(),
                Map.of("cancelled", PaymentStatus.FAILED)), contracts);
        ContractResult result = custom.check(adapter.map(JSON.readTree(
                record("\"r-5\"", "\"a@b.io\"", "null", "\"CANCELLED\"", "1", "2"))));

        assertThat(registration(result).paymentStatus()).isEqualTo(PaymentStatus.FAILED);
    }
}
