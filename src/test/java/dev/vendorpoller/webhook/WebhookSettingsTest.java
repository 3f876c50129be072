package dev.vendorpoller.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.Schedule;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The webhook keys at start-up: defaults, and every bad value refused naming its property, never echoing a secret. */
class WebhookSettingsTest {
    static final String P = "vendor-poller.feed.hooked.";
    static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString("k-9f8e7d6c5b4a".getBytes());
    static final FeedConfig FEED = new FeedConfig("hooked", "registration-api", URI.create("https://api.vendor.example/v3"),
            Optional.empty(), new Schedule(Duration.ofMinutes(1), null), 100, Optional.empty(), "hooked");

    static WebhookSettings load(Map<String, String> props) {
        return WebhookSettings.load(new ConfigReader(k -> Optional.ofNullable(props.get(k))), List.of(FEED));
    }

    static Map<String, String> props(String... kv) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return props;
    }

    @Test
    void defaults_loopback_9878_one_megabyte_300_seconds_and_off_without_a_style() {
        WebhookSettings none = load(props());
        assertThat(none.enabled()).isFalse();
        WebhookSettings s = load(props(P + "webhook.style", "standard-webhooks", P + "webhook.secrets", SECRET));
        assertThat(s.enabled()).isTrue();
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(9878);
        assertThat(s.maxBody()).isEqualTo(1_000_000);
        FeedWebhook hook = s.feed("hooked").orElseThrow();
        assertThat(hook.tolerance()).isEqualTo(Duration.ofSeconds(300));
        assertThat(hook.keys().get(0)).isEqualTo("k-9f8e7d6c5b4a".getBytes());
        assertThat(hook.toString()).doesNotContain(SECRET);
        assertThat(load(props(P + "webhook.style", "hmac", P + "webhook.secrets", "a1b2c3d4", P + "webhook.header", "X-Sig",
                "vendor-poller.webhooks.max-body", "512KiB")).maxBody()).isEqualTo(524_288);
    }

    @Test
    void bad_values_stop_the_start_naming_the_property() {
        assertRefused(props(P + "webhook.style", "github", P + "webhook.secrets", "s3cr3t-value"), P + "webhook.style");
        assertRefused(props(P + "webhook.style", "stripe"), P + "webhook.secrets");
        assertRefused(props(P + "webhook.style", "hmac", P + "webhook.secrets", "s3cr3t-value"), P + "webhook.header");
        assertRefused(props(P + "webhook.secrets", "s3cr3t-value"), P + "webhook.secrets"); // no style
        assertRefused(props(P + "webhook.style", "standard-webhooks", P + "webhook.secrets", "s3cr3t-value"), P + "webhook.secrets");
        assertRefused(props(P + "webhook.style", "standard-webhooks", P + "webhook.secrets", "whsec_s3cr3t-value!"), P + "webhook.secrets");
        assertRefused(props(P + "webhook.style", "stripe", P + "webhook.secrets", "s3cr3t-value", P + "webhook.tolerance", "300"),
                P + "webhook.tolerance");
        assertRefused(props(P + "webhook.style", "hmac", P + "webhook.secrets", "s3cr3t-value", P + "webhook.header", "X-Sig",
                P + "webhook.tolerance", "5m"), P + "webhook.tolerance"); // no timestamp in this style
        assertRefused(props(P + "webhook.style", "hmac", P + "webhook.secrets", "s3cr3t-value", P + "webhook.header", "X-Sig",
                P + "webhook.encoding", "base32"), P + "webhook.encoding");
        assertRefused(props(P + "webhook.style", "hmac", P + "webhook.secrets", "s3cr3t-value", P + "webhook.header", "X Sig"),
                P + "webhook.header");
        assertRefused(props(P + "webhook.style", "stripe", P + "webhook.secrets", "s3cr3t-value", P + "webhook.header", "X-Sig"),
                P + "webhook.header");
        assertRefused(props(P + "webhook.style", "eventbrite", P + "webhook.secrets", "s3cr3t-value"), P + "webhook.header");
        assertRefused(props(P + "webhook.style", "stripe", P + "webhook.secrets", "s3cr3t-value", P + "webhook.id-header", "X-Id"),
                P + "webhook.id-header");
        assertRefused(props(P + "webhook.style", "stripe", P + "webhook.secrets", "s3cr3t-value", "vendor-poller.webhooks.max-body",
                "2MB"), "vendor-poller.webhooks.max-body");
        assertRefused(props(P + "webhook.style", "stripe", P + "webhook.secrets", "s3cr3t-value", "vendor-poller.webhooks.port",
                "70000"), "vendor-poller.webhooks.port");
        assertRefused(props(P + "webhook.style", "stripe", P + "webhook.secrets", "s3cr3t-value", "camel.management.enabled", "true",
                "camel.management.port", "9878"), "vendor-poller.webhooks.port");
        assertRefused(props(P + "webhook.style", "stripe", P + "webhook.secrets", "s3cr3t-value", "camel.server.enabled", "true"),
                "camel.server.enabled");
        // eventbrite without secrets is allowed: the api_url host rule is its protection
        assertThat(load(props(P + "webhook.style", "eventbrite")).feed("hooked").orElseThrow().signed()).isFalse();
    }

    static void assertRefused(Map<String, String> props, String property) {
        assertThatThrownBy(() -> load(props)).as("%s", property).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.property()).isEqualTo(property);
            assertThat(e.getMessage()).doesNotContain("s3cr3t-value");
        });
    }
}
