package dev.vendorpoller.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vendorpoller.account.AccountConfig;
import dev.vendorpoller.account.AccountConfigLoader;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.delivery.Destinations;
import dev.vendorpoller.delivery.OutboxKind;
import dev.vendorpoller.record.registration.RegistrationSettings;
import dev.vendorpoller.record.registration.TicketTier;
import dev.vendorpoller.source.SourceTypes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FeedConfigLoaderTest {
    private static final String P = "vendor-poller.feed.forms.";
    private final Map<String, String> props = new HashMap<>(Map.of(
            "vendor-poller.feeds", "forms",
            P + "type", "registration-api",
            P + "base-url", "http://127.0.0.1:9000/",
            P + "token", "s3cr3t-token",
            P + "schedule.interval", "30s"));

    private FeedConfig load() {
        ConfigReader reader = new ConfigReader(k -> Optional.ofNullable(props.get(k)));
        // the start-up checks a feed block goes through: its own keys, its deliveries, its kind's, its account's
        var feeds = new FeedConfigLoader(reader, SourceTypes.types()).load();
        Destinations destinations = Destinations.load(reader, feeds.stream().map(FeedConfig::name).toList());
        feeds.forEach(f -> RegistrationSettings.load(reader, FeedConfigLoader.prefix(f.name())));
        new AccountConfigLoader(reader).loadFor(feeds, destinations.accounts());
        return feeds.get(0);
    }

    private AccountConfig account(String name) {
        ConfigReader reader = new ConfigReader(k -> Optional.ofNullable(props.get(k)));
        return new AccountConfigLoader(reader).loadFor(new FeedConfigLoader(reader, SourceTypes.types()).load(), List.of()).get(name);
    }

    @Test
    void should_load_a_complete_feed_with_defaults() {
        props.put(P + "tiers", "GA-2026:general_admission, VIP-2026:VIP");
        FeedConfig feed = load();

        assertThat(feed.baseUrl().toString()).isEqualTo("http://127.0.0.1:9000");
        assertThat(feed.token().orElseThrow().reveal()).isEqualTo("s3cr3t-token");
        assertThat(feed.token().orElseThrow().toString()).isEqualTo("****");
        assertThat(feed.account()).isEqualTo("forms");
        assertThat(feed.toString()).doesNotContain("s3cr3t-token");
        assertThat(feed.schedule().interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(feed.schedule().quartzOptions()).isEqualTo("trigger.repeatInterval=30000&triggerStartDelay=500");
        assertThat(feed.pageSize()).isEqualTo(100);
        ConfigReader reader = new ConfigReader(k -> Optional.ofNullable(props.get(k)));
        assertThat(RegistrationSettings.load(reader, P).tiers()).containsEntry("ga-2026", TicketTier.GENERAL_ADMISSION)
                .containsEntry("vip-2026", TicketTier.VIP);
        assertThat(Destinations.load(reader, List.of("forms")).target("forms", OutboxKind.SINK)).isEmpty();
    }

    @Test
    void should_render_a_cron_schedule_for_quartz() {
        props.remove(P + "schedule.interval");
        props.put(P + "schedule.cron", "0 0/5 * * * ?");

        assertThat(load().schedule().quartzOptions()).isEqualTo("cron=0+0/5+*+*+*+?");
    }

    @Test
    void should_refuse_a_shell_variable_that_properties_never_expand() {
        props.put(P + "token", "${FORMS_TOKEN}");
        assertFailsNaming(P + "token", "write {{env:FORMS_TOKEN}}");
    }

    @Test
    void should_name_the_missing_base_url() {
        props.remove(P + "base-url");
        assertFailsNaming(P + "base-url", "is required");
    }

    @Test
    void should_name_the_missing_token() {
        props.remove(P + "token");
        assertFailsNaming(P + "token", "is required");
    }

    @Test
    void should_share_an_account_and_read_its_budget_and_breaker() {
        props.remove(P + "token");
        props.put(P + "account", "eventbrite-main");
        String a = "vendor-poller.account.eventbrite-main.";
        props.put(a + "token", "acc0unt-token");
        props.put(a + "limits", "10/1s, 300/1m");
        props.put(a + "reserve", "5%");
        props.put(a + "max-concurrent", "1");
        props.put(a + "breaker.open-for", "1m");
        props.put(a + "breaker.minimum-calls", "4");

        AccountConfig account = account("eventbrite-main");

        assertThat(account.token().orElseThrow().reveal()).isEqualTo("acc0unt-token");
        assertThat(account.governor().tiers()).extracting(t -> t.limit() + "/" + t.window())
                .containsExactly("10/PT1S", "300/PT1M");
        assertThat(account.governor().reservePercent()).isEqualTo(5);
        assertThat(account.governor().maxConcurrent()).isEqualTo(1);
        assertThat(account.breaker().openFor()).isEqualTo(Duration.ofMinutes(1));
        assertThat(account.breaker().minimumCalls()).isEqualTo(4);
        assertThat(account.toString()).doesNotContain("acc0unt-token");
    }

    @Test
    void should_name_bad_account_settings() {
        String a = "vendor-poller.account.forms.";
        props.put(a + "limits", "10 per second");
        assertFailsNaming(a + "limits", "REQUESTS/WINDOW");
        props.put(a + "limits", "10/1s");
        props.put(a + "reserve", "80%");
        assertFailsNaming(a + "reserve", "from 0 to 50");
        props.remove(a + "reserve");
        props.put(a + "breaker.open-for", "30");
        assertFailsNaming(a + "breaker.open-for", "with a unit");
        props.remove(a + "breaker.open-for");
        props.put(a + "auth", "kerberos");
        assertFailsNaming(a + "auth", "bearer or oauth2");
        props.remove(a + "auth");
        props.put(P + "account", "shared");
        assertFailsNaming(P + "token", "cannot be set");
    }

    @Test
    void should_read_api_key_and_basic_accounts_and_name_what_is_missing() {
        String a = "vendor-poller.account.forms.";
        props.put(a + "auth", "api-key");
        assertFailsNaming(a + "api-key-header", "is required");
        props.put(a + "api-key-header", "X Api Key");
        assertFailsNaming(a + "api-key-header", "HTTP header name");
        props.put(a + "api-key-header", "X-Api-Key");
        AccountConfig apiKey = account("forms");
        assertThat(apiKey.apiKeyHeader()).contains("X-Api-Key");
        assertThat(apiKey.token().orElseThrow().reveal()).as("the feed's own token is the key").isEqualTo("s3cr3t-token");

        props.put(a + "auth", "basic");
        assertFailsNaming(P + "token", "cannot be set: account 'forms' authenticates with basic");
        props.remove(P + "token");
        assertFailsNaming(a + "username", "is required");
        props.put(a + "username", "poller");
        assertFailsNaming(a + "password", "is required");
        props.put(a + "password", "s3cr3t-pa55");
        AccountConfig basic = account("forms");
        assertThat(basic.username()).contains("poller");
        assertThat(basic.password().orElseThrow().reveal()).isEqualTo("s3cr3t-pa55");
        assertThat(basic.toString()).doesNotContain("s3cr3t-pa55");
        assertThat(Secrets.mask("pa55word s3cr3t-pa55")).isEqualTo("pa55word ****");
    }

    @Test
    void should_name_an_unknown_feed_type() {
        props.put(P + "type", "soap-api");
        assertFailsNaming(P + "type", "unknown feed type 'soap-api'");
    }

    @Test
    void should_name_a_malformed_cron() {
        props.remove(P + "schedule.interval");
        props.put(P + "schedule.cron", "every five minutes");
        assertFailsNaming(P + "schedule.cron", "not a valid Quartz cron expression");
    }

    @Test
    void should_refuse_both_or_neither_schedule() {
        props.put(P + "schedule.cron", "0 * * * * ?");
        assertFailsNaming(P + "schedule.interval", "exactly one");
        props.remove(P + "schedule.cron");
        props.remove(P + "schedule.interval");
        assertFailsNaming(P + "schedule.interval", "exactly one");
    }

    @Test
    void should_name_bad_values() {
        props.put(P + "page-size", "5000");
        assertFailsNaming(P + "page-size", "between 1 and 1000");
        props.put(P + "page-size", "10");
        props.put(P + "base-url", "ftp://example.org");
        assertFailsNaming(P + "base-url", "absolute http(s) URL");
        props.put(P + "base-url", "http://127.0.0.1:1");
        props.put(P + "tiers", "GA:PLATINUM");
        assertFailsNaming(P + "tiers", "unknown tier 'PLATINUM'");
        props.remove(P + "tiers");
        props.put(P + "schedule.interval", "30");
        assertFailsNaming(P + "schedule.interval", "with a unit");
    }

    @Test
    void should_refuse_bad_feed_names_and_duplicates() {
        props.put("vendor-poller.feeds", "forms, Bad Name");
        assertFailsNaming("vendor-poller.feeds", "'Bad Name'");
        props.put("vendor-poller.feeds", "forms,forms");
        assertFailsNaming("vendor-poller.feeds", "twice");
    }

    private void assertFailsNaming(String property, String problem) {
        assertThatThrownBy(this::load)
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).property()).isEqualTo(property))
                .hasMessageContaining("'" + property + "'")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-token"));
    }
}
