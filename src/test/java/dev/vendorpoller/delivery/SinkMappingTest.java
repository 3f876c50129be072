package dev.vendorpoller.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.source.SourceTypes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** sink-fields: parsing and validation at start-up, and the body a canonical registration becomes. */
class SinkMappingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "vendor-poller.feed.forms.sink-fields";
    static final String CANONICAL = "{\"idempotency_key\":\"" + "a".repeat(64) + "\",\"source\":\"forms\",\"external_id\":\"reg-7\","
            + "\"email\":\"ann@example.com\",\"ticket_tier\":\"VIP\",\"payment_status\":\"COMPLETED\","
            + "\"registered_at\":\"2026-01-01T00:00:07Z\",\"source_updated_at\":\"2026-01-01T00:00:08Z\","
            + "\"metadata\":{\"full_name\":\"Ann Lee\",\"seats\":2,\"company\":null,\"address\":{\"city\":\"Oslo\"}}}";

    static JsonNode map(String spec) throws Exception {
        return JSON.readTree(SinkMapping.parse(KEY, spec).apply(CANONICAL));
    }

    @Test
    void maps_fields_and_dotted_metadata_paths_in_order_keeping_json_types() throws Exception {
        JsonNode body = map("email:email, name:metadata.full_name, tier:ticket_tier, ref:external_id,"
                + " seats:metadata.seats, city:metadata.address.city, address:metadata.address, key:idempotency_key");

        assertThat(body.toString()).isEqualTo("{\"email\":\"ann@example.com\",\"name\":\"Ann Lee\",\"tier\":\"VIP\","
                + "\"ref\":\"reg-7\",\"seats\":2,\"city\":\"Oslo\",\"address\":{\"city\":\"Oslo\"},\"key\":\"" + "a".repeat(64) + "\"}");
    }

    @Test
    void a_missing_or_null_source_value_leaves_the_vendor_field_out() throws Exception {
        JsonNode body = map("email:email,phone:metadata.phone,company:metadata.company,zip:metadata.address.zip,deep:metadata.full_name.x");

        assertThat(body.toString()).isEqualTo("{\"email\":\"ann@example.com\"}");
    }

    @Test
    void without_sink_fields_the_canonical_json_is_sent_as_it_is() {
        assertThat(SinkMapping.IDENTITY.apply(CANONICAL)).isSameAs(CANONICAL);
        assertThat(SinkMapping.IDENTITY.isIdentity()).isTrue();
    }

    @Test
    void bad_entries_fail_at_start_up_naming_the_property() {
        Map<String, String> bad = Map.of(
                "email", "must look like vendorField:canonicalPath",
                "email:email,,tier:ticket_tier", "has an empty entry",
                "email:emial", "not a canonical field",
                "email:email,email:source", "maps vendor field 'email' twice",
                "tier:ticket_tier.code", "only metadata.* paths go deeper",
                "name:metadata.", "use dotted names",
                "na me:email", "has vendor field 'na me'",
                "a:b:c", "must look like vendorField:canonicalPath",
                ":email", "has vendor field ''");
        bad.forEach((spec, problem) -> assertThatThrownBy(() -> SinkMapping.parse(KEY, spec))
                .as(spec).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'" + KEY + "'").hasMessageContaining(problem)
                .extracting(e -> ((ConfigException) e).property()).isEqualTo(KEY));
    }

    @Test
    void loads_per_feed_and_needs_a_sink_uri() {
        Map<String, String> props = new HashMap<>(Map.of("vendor-poller.feeds", "forms",
                "vendor-poller.feed.forms.type", "registration-api",
                "vendor-poller.feed.forms.base-url", "http://127.0.0.1:9000",
                "vendor-poller.feed.forms.token", "t0ken",
                "vendor-poller.feed.forms.schedule.interval", "30s",
                KEY, "email:email"));
        ConfigReader config = new ConfigReader(k -> Optional.ofNullable(props.get(k)));
        assertThatThrownBy(() -> Destinations.load(config, names(config))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'" + KEY + "' needs vendor-poller.feed.forms.sink-uri");

        props.put("vendor-poller.feed.forms.sink-uri", "https://crm.example/participants/add");
        assertThat(Destinations.load(config, names(config)).target("forms", OutboxKind.SINK).orElseThrow().mapping()
                .isIdentity()).isFalse();
        props.remove(KEY);
        assertThat(Destinations.load(config, names(config)).target("forms", OutboxKind.SINK).orElseThrow().mapping())
                .isSameAs(SinkMapping.IDENTITY);
    }

    static List<String> names(ConfigReader config) {
        return new FeedConfigLoader(config, SourceTypes.types()).load().stream().map(FeedConfig::name).toList();
    }
}
