package dev.vendorpoller.app;

import dev.vendorpoller.account.AccountConfig;
import dev.vendorpoller.account.AccountConfigLoader;
import dev.vendorpoller.auth.OAuth2Settings;
import dev.vendorpoller.auth.TokenCipher;
import dev.vendorpoller.cluster.ClusterSettings;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.KnownKeys;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.delivery.DeliverySettings;
import dev.vendorpoller.delivery.Destinations;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.ops.OpsSettings;
import dev.vendorpoller.poll.PollSettings;
import dev.vendorpoller.ratelimit.BreakerSettings;
import dev.vendorpoller.ratelimit.GovernorSettings;
import dev.vendorpoller.record.payment.PaymentEventKind;
import dev.vendorpoller.record.registration.RegistrationSettings;
import dev.vendorpoller.source.SourceTypes;
import dev.vendorpoller.store.StoreSettings;
import dev.vendorpoller.webhook.InboxSettings;
import dev.vendorpoller.webhook.WebhookSettings;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code vendor-poller.*} key this build reads, gathered from the concerns that declare them (each settings
 * class, feed type, record kind and extension has its {@code KEYS}), checked before anything else at start-up: a key
 * nobody reads stops the service naming it and the key it probably meant. A new key is added to its concern's
 * {@code KEYS}; a new concern's list is added here.
 */
final class ConfigKeys {
    static final String SCOPE = "vendor-poller.";
    /** Page retries (routes/errors.yaml and the backoff bean). */
    static final List<String> RETRY = List.of("vendor-poller.retry.max-redeliveries", "vendor-poller.retry.base-delay",
            "vendor-poller.retry.max-delay", "vendor-poller.retry.max-rate-limited");
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.config");
    private static final Pattern SECRET = Pattern.compile("(token|password|secrets?|key)$");
    private static final Pattern OWNED = Pattern.compile("vendor-poller\\.(feed|account)\\.([^.]+)\\..*");

    private ConfigKeys() {
    }

    /** @param present the keys the configuration sets (files, -D, overrides) */
    static void check(ConfigReader config, Collection<String> present, Iterable<ServiceExtension> extensions) {
        KnownKeys known = new KnownKeys(SCOPE).add(FeedConfigLoader.FEEDS);
        Stream.of(StoreSettings.KEYS, ClusterSettings.KEYS, DeliverySettings.KEYS, RETRY, PollSettings.KEYS, OpsSettings.KEYS,
                WebhookSettings.KEYS, InboxSettings.KEYS, List.of(TokenCipher.KEY, TokenCipher.KEY_FILE)).flatMap(List::stream)
                .forEach(known::add);
        List<String> feeds = Stream.of(config.optional(FeedConfigLoader.FEEDS).orElse("").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        Set<String> accounts = new LinkedHashSet<>(feeds);
        for (String feed : feeds) {
            String p = FeedConfigLoader.prefix(feed);
            Optional<String> type = config.optional(p + "type").filter(SourceTypes.types()::contains);
            // an unknown or missing type is reported by the feed loader; meanwhile every type's keys are accepted
            feedKeys(known, p, type);
            config.optional(p + "account").ifPresent(accounts::add);
            config.optional(p + Destinations.SINK_ACCOUNT).ifPresent(accounts::add);
        }
        accounts.forEach(account -> accountKeys(known, AccountConfig.prefix(account)));
        // Blocks nothing reads: a later file or an override may have narrowed vendor-poller.feeds (the dev profile, a
        // test), so they are not an error, but their keys must still be keys, and the log says they are not read.
        Set<String> unread = new TreeSet<>();
        for (String key : present) {
            Matcher m = OWNED.matcher(key);
            if (m.matches() && !(m.group(1).equals("feed") ? feeds.contains(m.group(2)) : accounts.contains(m.group(2)))
                    && unread.add(m.group(1) + " '" + m.group(2) + "'")) {
                if (m.group(1).equals("feed")) {
                    feedKeys(known, FeedConfigLoader.prefix(m.group(2)), Optional.empty());
                } else {
                    accountKeys(known, AccountConfig.prefix(m.group(2)));
                }
            }
        }
        boolean demoFound = false;
        for (ServiceExtension extension : extensions) {
            known.add(extension.prefix() + "enabled");
            if (extension.keys().isEmpty()) {
                known.anyUnder(extension.prefix());
            } else {
                known.add(extension.prefix(), extension.keys());
            }
            demoFound |= extension.prefix().equals(PollerConfiguration.DEMO);
        }
        if (!demoFound) {
            known.anyUnder(PollerConfiguration.DEMO); // the bundled configuration's; the service says what to do if enabled
        }
        known.check(present, key -> Optional.empty());
        if (!unread.isEmpty()) {
            LOG.warn("not read, as no feed uses them ({} = {}): the keys of {}", FeedConfigLoader.FEEDS,
                    String.join(",", feeds), String.join(", ", unread));
        }
    }

    /** Every vendor-poller.* value at DEBUG (secrets masked), one line at INFO: the start-up log stays short. */
    static void logSummary(ConfigReader config, Set<String> present) {
        if (LOG.isDebugEnabled()) {
            for (String key : present) {
                String value = SECRET.matcher(key).find() ? "****" : config.optional(key).map(Secrets::mask).orElse("");
                LOG.debug("  {} = {}", key, value);
            }
        }
        LOG.info("configuration: {} vendor-poller.* keys, feeds {} (every key at DEBUG: logger vendor-poller.config)",
                present.size(), config.optional(FeedConfigLoader.FEEDS).orElse("none"));
    }

    private static void feedKeys(KnownKeys known, String p, Optional<String> type) {
        known.add(p, FeedConfigLoader.KEYS).add(p, Destinations.KEYS).add(p, RegistrationSettings.KEYS).add(p, PaymentEventKind.KEYS)
                .add(p, WebhookSettings.FEED_KEYS).add(p, InboxSettings.FEED_KEYS);
        SourceTypes.types().stream().filter(t -> type.isEmpty() || type.get().equals(t)).forEach(t -> known.add(p, SourceTypes.keys(t)));
    }

    private static void accountKeys(KnownKeys known, String p) {
        known.add(p, AccountConfigLoader.KEYS).add(p, GovernorSettings.KEYS).add(p, BreakerSettings.KEYS).add(p, OAuth2Settings.KEYS);
    }
}
