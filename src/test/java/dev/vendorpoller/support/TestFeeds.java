package dev.vendorpoller.support;

import dev.vendorpoller.config.Secret;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.Schedule;
import dev.vendorpoller.record.PaymentStatus;
import dev.vendorpoller.record.registration.RegistrationSettings;
import dev.vendorpoller.record.registration.TicketTier;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Feed configurations for unit tests that do not need the whole loader. */
public final class TestFeeds {
    private TestFeeds() {
    }

    /** The tiers GA-2026 and VIP-2026, the default payment spellings. */
    public static final RegistrationSettings REGISTRATIONS = new RegistrationSettings(
            Map.of("ga-2026", TicketTier.GENERAL_ADMISSION, "vip-2026", TicketTier.VIP), PaymentStatus.defaultSpellings());

    public static FeedConfig registrations(String name) {
        return new FeedConfig(name, "registration-api", URI.create("http://127.0.0.1:1"), Optional.of(new Secret("t0ken-value")),
                new Schedule(Duration.ofSeconds(5), null), 100, Optional.empty(), name);
    }
}
