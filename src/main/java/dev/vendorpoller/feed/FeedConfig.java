package dev.vendorpoller.feed;

import dev.vendorpoller.config.Secret;
import dev.vendorpoller.record.PaymentStatus;
import dev.vendorpoller.record.registration.TicketTier;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * One feed, validated at start-up. Keys live under {@code vendor-poller.feed.<name>.}; see README "Feed settings".
 *
 * @param sinkUri       Camel URI the ledgered records are delivered to through the outbox, if any
 * @param rejectUri     Camel URI rejects are delivered to through the outbox (they are always kept in rejected_record)
 * @param deadLetterUri Camel URI dead letters are forwarded to (they are always kept in dead_letter)
 * @param maxLag        the feed reports DOWN when its newest ledgered version is older than this
 * @param sinkAccount   the vendor account sink deliveries go through (budget, concurrency cap, breaker, credentials);
 *                      the sink URI is then an http(s) URL
 * @param account       the vendor account whose credentials and request budget the feed uses (default: its own name)
 * @param token         the feed's own bearer token, when it names no account
 */
public record FeedConfig(
        String name,
        String type,
        URI baseUrl,
        Optional<Secret> token,
        Schedule schedule,
        int pageSize,
        Optional<String> sinkUri,
        Optional<String> rejectUri,
        Optional<String> deadLetterUri,
        Map<String, TicketTier> tiers,
        Map<String, PaymentStatus> paymentStatuses,
        Optional<java.time.Duration> maxLag,
        String account,
        Optional<String> sinkAccount) {

    public String routeId() {
        return "poll-" + name;
    }

    @Override
    public String toString() {
        return "FeedConfig[name=" + name + ", type=" + type + ", baseUrl=" + baseUrl + ", pageSize=" + pageSize + "]";
    }
}
