package dev.vendorpoller.source.http;

import com.fasterxml.jackson.core.JsonPointer;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.feed.FeedConfigLoader;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One feed's {@code http-json} keys, each falling back to its preset's default. Every error names the full property
 * ({@code vendor-poller.feed.<name>.<key>}).
 */
final class FeedKeys {
    private static final Pattern PARAM = Pattern.compile("[A-Za-z0-9._~\\-\\[\\]]+");

    private final String prefix;
    private final ConfigReader config;
    private final Preset preset;

    FeedKeys(String feed, ConfigReader config, Preset preset) {
        this.prefix = FeedConfigLoader.prefix(feed);
        this.config = config;
        this.preset = preset;
    }

    /** The full property name of a feed key. */
    String property(String key) {
        return prefix + key;
    }

    Optional<String> optional(String key) {
        return config.optional(property(key)).or(() -> Optional.ofNullable(preset.defaults().get(key)));
    }

    String required(String key) {
        return optional(key).orElseThrow(() -> new ConfigException(property(key), "is required but not set"));
    }

    String required(String key, String why) {
        return optional(key).orElseThrow(() -> new ConfigException(property(key), "is required " + why + " but not set"));
    }

    /** A JSON pointer (RFC 6901) such as {@code /result/items}; the whole document ({@code ""}) is not allowed. */
    JsonPointer pointer(String key, String why) {
        return toPointer(key, required(key, why));
    }

    Optional<JsonPointer> optionalPointer(String key) {
        return optional(key).map(raw -> toPointer(key, raw));
    }

    private JsonPointer toPointer(String key, String raw) {
        if (!raw.startsWith("/")) {
            throw new ConfigException(property(key), "must be a JSON pointer starting with '/' (e.g. /data) but was '" + raw + "'");
        }
        try {
            return JsonPointer.compile(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(property(key), "is not a valid JSON pointer: '" + raw + "' (" + e.getMessage() + ")");
        }
    }

    /** A query parameter name, sent as written. */
    String param(String key, String why) {
        return toParam(key, required(key, why));
    }

    Optional<String> optionalParam(String key) {
        return optional(key).map(raw -> toParam(key, raw));
    }

    private String toParam(String key, String raw) {
        if (!PARAM.matcher(raw).matches()) {
            throw new ConfigException(property(key), "must be a query parameter name (letters, digits, . _ ~ - [ ]) but was '" + raw + "'");
        }
        return raw;
    }

    long number(String key, long defaultValue) {
        String raw = optional(key).orElse(null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw);
            if (value < 0) {
                throw new ConfigException(property(key), "must not be negative but was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(property(key), "must be a whole number but was '" + raw + "'");
        }
    }

    Duration duration(String key, Duration defaultValue) {
        return optional(key).map(raw -> ConfigReader.parseDuration(property(key), raw)).orElse(defaultValue);
    }
}
