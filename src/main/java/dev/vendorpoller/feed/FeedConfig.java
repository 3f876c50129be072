package dev.vendorpoller.feed;

import dev.vendorpoller.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The part of a feed's block every feed has, whatever its type, validated at start-up. Keys live under
 * {@code vendor-poller.feed.<name>.} ({@link FeedConfigLoader#KEYS}); a feed's type, record kind and deliveries read
 * their own keys from the same block. See README "Feed settings".
 *
 * @param maxLag  the feed reports DOWN when its newest ledgered version is older than this
 * @param account the vendor account whose credentials and request budget the feed uses (default: its own name)
 * @param token   the feed's own bearer token, when it names no account
 */
public record FeedConfig(
        String name,
        String type,
        URI baseUrl,
        Optional<Secret> token,
        Schedule schedule,
        int pageSize,
        Optional<Duration> maxLag,
        String account) {

    public String routeId() {
        return "poll-" + name;
    }

    @Override
    public String toString() {
        return "FeedConfig[name=" + name + ", type=" + type + ", baseUrl=" + baseUrl + ", pageSize=" + pageSize + "]";
    }
}
