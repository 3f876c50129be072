package dev.vendorpoller.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a verified body becomes the feed's records, and the processing keys' checks at start-up. */
class WebhookRecordsTest {
    static final URI BASE = URI.create("https://www.eventbriteapi.com/v3");
    final WebhookRecords records = new WebhookRecords(new ObjectMapper());

    static String hint(String url) {
        return "{\"config\":{\"action\":\"attendee.updated\"},\"api_url\":\"" + url + "\"}";
    }

    @ParameterizedTest
    @CsvSource({
            "https://www.eventbriteapi.com/v3/attendees/1/, true",
            "https://WWW.EVENTBRITEAPI.COM:443/v3/attendees/1/, true",
            "https://www.eventbriteapi.com/elsewhere/, true",
            "http://www.eventbriteapi.com/v3/attendees/1/, false",
            "https://www.eventbriteapi.com:8443/v3/attendees/1/, false",
            "https://evil.example/v3/attendees/1/, false",
            "https://www.eventbriteapi.com.evil.example/v3/, false",
            "https://evil.example#@www.eventbriteapi.com/v3/, false"})
    void fetches_only_from_the_base_urls_scheme_host_and_port(String url, boolean fetched) {
        if (fetched) {
            assertThat(records.map("eventbrite", hint(url), BASE)).isInstanceOf(WebhookRecords.Fetch.class);
        } else {
            assertThatThrownBy(() -> records.map("eventbrite", hint(url), BASE)).isInstanceOf(WebhookRecords.Unprocessable.class)
                    .hasMessageContaining("no request sent");
        }
    }

    @Test
    void refuses_user_info_keeps_the_query_and_expands_an_orders_attendees() {
        assertThatThrownBy(() -> records.map("eventbrite", hint("https://me@www.eventbriteapi.com/v3/a/"), BASE))
                .isInstanceOf(WebhookRecords.Unprocessable.class).hasMessageContaining("user info");
        assertThat(records.map("eventbrite", hint("https://www.eventbriteapi.com/v3/a/?x=1"), BASE))
                .isEqualTo(new WebhookRecords.Fetch("https://www.eventbriteapi.com/v3/a/", "x=1"));
        assertThat(records.map("eventbrite", "{\"config\":{\"action\":\"order.placed\"},\"api_url\":"
                + "\"https://www.eventbriteapi.com/v3/orders/9/\"}", BASE))
                .isEqualTo(new WebhookRecords.Fetch("https://www.eventbriteapi.com/v3/orders/9/", "expand=attendees"));
        assertThat(records.map("eventbrite", "{\"config\":{\"action\":\"event.updated\"},\"api_url\":\"https://x/\"}", BASE))
                .isInstanceOf(WebhookRecords.Ignored.class);
        assertThat(records.fetched("{\"id\":\"9\",\"attendees\":[{\"id\":\"a\"},{\"id\":\"b\"}]}", null)).hasSize(2);
        assertThat(records.fetched("{\"id\":\"a\"}", "42")).hasSize(1);
        assertThat(records.fetched("{\"id\":\"9\",\"attendees\":[{\"id\":\"a\",\"event_id\":\"42\"},"
                + "{\"id\":\"b\",\"event_id\":\"77\"}]}", "42")).as("another event's attendee is not the feed's")
                .extracting(r -> r.get("id").asText()).containsExactly("a");
    }

    @Test
    void own_shape_is_the_body_or_its_data() {
        assertThat(((WebhookRecords.Records) records.map("hmac", "{\"id\":\"r1\"}", BASE)).records().get(0).get("id").asText())
                .isEqualTo("r1");
        assertThat(((WebhookRecords.Records) records.map("standard-webhooks", "{\"type\":\"x\",\"data\":{\"id\":\"r2\"}}", BASE))
                .records().get(0).get("id").asText()).isEqualTo("r2");
        assertThat(((WebhookRecords.Records) records.map("standard-webhooks", "{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"}]}", BASE))
                .records()).hasSize(2);
        assertThat(((WebhookRecords.Records) records.map("stripe", "{\"id\":\"evt_1\",\"data\":{\"object\":{}}}", BASE))
                .records().get(0).get("id").asText()).as("a Stripe event is the record itself").isEqualTo("evt_1");
        assertThatThrownBy(() -> records.map("hmac", "[1]", BASE)).isInstanceOf(WebhookRecords.Unprocessable.class);
        assertThatThrownBy(() -> records.map("hmac", "{nope", BASE)).isInstanceOf(WebhookRecords.Unprocessable.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> records.map("carrier-pigeon", "{}", BASE)).hasMessageContaining("unknown webhook style");
    }

    static ConfigReader config(Map<String, String> values) {
        return new ConfigReader(k -> Optional.ofNullable(values.get(k)));
    }

    @Test
    void the_processing_keys_have_defaults_and_bad_values_name_the_property() {
        InboxSettings defaults = InboxSettings.load(config(Map.of()));
        assertThat(defaults).isEqualTo(new InboxSettings(100, 5, Duration.ofSeconds(2), Duration.ofMinutes(5)));
        assertThat(InboxSettings.grace(config(Map.of()), "forms")).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> InboxSettings.grace(config(Map.of("vendor-poller.feed.forms.webhook.grace", "0s")), "forms"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("vendor-poller.feed.forms.webhook.grace");
        assertThatThrownBy(() -> InboxSettings.load(config(Map.of("vendor-poller.webhooks.retry-delay", "10s",
                "vendor-poller.webhooks.max-retry-delay", "1s")))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("vendor-poller.webhooks.max-retry-delay");
        assertThatThrownBy(() -> InboxSettings.load(config(Map.of("vendor-poller.webhooks.max-attempts", "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("vendor-poller.webhooks.max-attempts");
        assertThatThrownBy(() -> InboxSettings.load(config(Map.of("vendor-poller.webhooks.drain-interval-ms", "soon"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("vendor-poller.webhooks.drain-interval-ms");
    }
}
