package dev.vendorpoller.ratelimit;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One configured limit: at most {@code limit} requests in any {@code window} (written {@code 10/1s}, {@code 300/1m}). */
public record RateTier(int limit, Duration window) {

    /** {@code 10/1s,300/1m}: several tiers at once, all enforced. Empty: none configured. */
    public static List<RateTier> parseAll(String key, String raw) {
        List<RateTier> tiers = new ArrayList<>();
        for (String entry : raw == null ? new String[0] : raw.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split("/");
            try {
                int limit = Integer.parseInt(parts[0].trim());
                if (parts.length != 2 || limit < 1) {
                    throw new NumberFormatException();
                }
                Duration window = ConfigReader.parseDuration(key, parts[1].trim());
                if (window.isZero()) {
                    throw new ConfigException(key, "tier '" + entry.trim() + "' has an empty window");
                }
                tiers.add(new RateTier(limit, window));
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "tier '" + entry.trim() + "' must look like REQUESTS/WINDOW, e.g. 10/1s or 300/1m");
            }
        }
        return List.copyOf(tiers);
    }

    /** The tier's requests per second if spread evenly over the window. */
    public double perSecond() {
        return limit * 1000.0 / window.toMillis();
    }

    @Override
    public String toString() {
        return limit + "/" + window.toMillis() + "ms";
    }
}
