package dev.vendorpoller.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vendorpoller.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unknown keys under vendor-poller.* stop the start-up naming the key and the one probably meant, before any other
 * check; an absolute data-dir is where the database goes. Through the service's own start-up ({@link PollerConfiguration}).
 */
class ConfigKeysTest {
    private static final String P = "vendor-poller.feed.forms.";

    @TempDir
    Path data;

    private final Map<String, String> props = new LinkedHashMap<>(Map.of(
            "vendor-poller.feeds", "forms",
            P + "type", "registration-api",
            P + "base-url", "https://api.forms.example",
            P + "token", "t0ken",
            P + "schedule.interval", "1m"));

    private void start() throws Exception {
        Properties all = new Properties();
        all.put("vendor-poller.db.url", "jdbc:h2:file:" + data.resolve("db") + ";WRITE_DELAY=0");
        all.putAll(props);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setInitialProperties(all);
            new PollerConfiguration().configure(context);
        }
    }

    private void assertRefused(String key, String message) {
        assertThatThrownBy(this::start).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).property()).isEqualTo(key))
                .hasMessageContaining(message);
    }

    @Test
    void should_start_with_only_known_keys() throws Exception {
        props.put(P + "page-size", "50");
        props.put("vendor-poller.account.forms.limits", "5/1s");
        start();
    }

    @Test
    void should_refuse_a_misspelt_optional_feed_key_naming_the_key_meant() {
        props.put(P + "page-sise", "50");
        assertRefused(P + "page-sise", "is not a known key: did you mean '" + P + "page-size'?");
    }

    @Test
    void should_name_a_misspelt_required_key_rather_than_only_the_missing_one() {
        props.put(P + "base-ulr", props.remove(P + "base-url"));
        assertRefused(P + "base-ulr", "did you mean '" + P + "base-url'?");
    }

    @Test
    void should_refuse_a_key_of_another_feed_type() {
        props.put(P + "settle-window", "5s"); // a stripe-events key on a registration-api feed
        assertRefused(P + "settle-window", "is not a known key");
    }

    @Test
    void should_refuse_a_misspelt_account_key() {
        props.put("vendor-poller.account.forms.max-concurent", "1");
        assertRefused("vendor-poller.account.forms.max-concurent", "did you mean 'vendor-poller.account.forms.max-concurrent'?");
    }

    @Test
    void should_refuse_a_misspelt_service_wide_key() {
        props.put("vendor-poller.retry.max-delya", "10s");
        assertRefused("vendor-poller.retry.max-delya", "did you mean 'vendor-poller.retry.max-delay'?");
    }

    @Test
    void should_check_the_keys_of_a_feed_block_not_listed_and_start_without_reading_it() throws Exception {
        props.put("vendor-poller.feed.stripe.type", "stripe-events");
        props.put("vendor-poller.account.stripe-live.limits", "25/1s");
        start(); // a later file may narrow vendor-poller.feeds: the log says these blocks are not read

        props.put("vendor-poller.feed.stripe.setle-window", "5s");
        assertRefused("vendor-poller.feed.stripe.setle-window", "did you mean 'vendor-poller.feed.stripe.settle-window'?");
    }

    @Test
    void should_put_the_database_under_an_absolute_data_dir() throws Exception {
        Path dir = data.resolve("srv").toAbsolutePath();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            // the bundled configuration's db url, with an absolute data-dir
            context.getPropertiesComponent().setLocation("file:" + Path.of("config/application.properties").toAbsolutePath());
            Properties overrides = new Properties();
            overrides.put("vendor-poller.data-dir", dir.toString());
            overrides.put("vendor-poller.demo.enabled", "false");
            context.getPropertiesComponent().setOverrideProperties(overrides);
            new PollerConfiguration().configure(context);
        }
        assertThat(dir.resolve("vendor-poller.mv.db")).exists();
        assertThat(Path.of("." + dir)).doesNotExist();
    }
}
