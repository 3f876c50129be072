package dev.vendorpoller.webhook;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secret;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.FeedConfigLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The webhook receivers' settings, read and checked at start-up: the business HTTP server
 * ({@code vendor-poller.webhooks.host|port|max-body}) and each feed's {@code webhook.*} block. The server runs only
 * when at least one feed configures a {@code webhook.style}.
 */
public record WebhookSettings(String host, int port, long maxBody, Map<String, FeedWebhook> feeds) {
    public static final String PREFIX = "vendor-poller.webhooks.";
    public static final String HOST = PREFIX + "host";
    public static final String PORT = PREFIX + "port";
    public static final String MAX_BODY = PREFIX + "max-body";
    /** The service-wide keys. */
    public static final List<String> KEYS = List.of(HOST, PORT, MAX_BODY);
    /** The keys a feed may set, relative to its prefix {@code vendor-poller.feed.<feed>.}. */
    public static final List<String> FEED_KEYS = List.of("webhook.style", "webhook.secrets", "webhook.tolerance",
            "webhook.header", "webhook.encoding", "webhook.id-header");
    public static final int DEFAULT_PORT = 9878;
    /**
     * 1 MB: the inbox keeps the body as text, and H2's VARCHAR holds at most 1 000 000 characters (a body of n bytes
     * has at most n characters), so this is also the largest value allowed.
     */
    public static final long DEFAULT_MAX_BODY = 1_000_000;
    public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB)?");
    private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** Whether any feed receives webhooks (otherwise no server is started and no webhook route exists). */
    public boolean enabled() {
        return !feeds.isEmpty();
    }

    public Optional<FeedWebhook> feed(String name) {
        return Optional.ofNullable(feeds.get(name));
    }

    /**
     * @param feeds the feeds the service runs (vendor-poller.feeds); the business server cannot share the management
     *              server's port, nor run beside a camel.server.* one
     */
    public static WebhookSettings load(ConfigReader config, List<FeedConfig> feeds) {
        Map<String, FeedWebhook> hooks = new LinkedHashMap<>();
        for (FeedConfig feed : feeds) {
            loadFeed(config, feed).ifPresent(h -> hooks.put(feed.name(), h));
        }
        String host = config.string(HOST, "127.0.0.1");
        int port = config.positiveInt(PORT, DEFAULT_PORT, 65_535);
        if (!hooks.isEmpty() && config.bool("camel.server.enabled", false)) {
            throw new ConfigException("camel.server.enabled", "is true, but the webhooks run the business server"
                    + " themselves (" + PREFIX + "*): remove camel.server.* from the configuration");
        }
        int managementPort = config.bool("camel.management.enabled", false)
                ? config.positiveInt("camel.management.port", 9876, 65_535) : 0;
        if (!hooks.isEmpty() && port == managementPort) {
            throw new ConfigException(PORT, "is " + port + ", the management server's port (camel.management.port):"
                    + " webhooks are served on the business server, which needs a port of its own");
        }
        long maxBody = size(config, MAX_BODY, DEFAULT_MAX_BODY, DEFAULT_MAX_BODY);
        return new WebhookSettings(host, port, maxBody, Map.copyOf(hooks));
    }

    static Optional<FeedWebhook> loadFeed(ConfigReader config, FeedConfig feed) {
        String p = FeedConfigLoader.prefix(feed.name()) + "webhook.";
        Optional<String> styleName = config.optional(p + "style");
        if (styleName.isEmpty()) {
            for (String key : FEED_KEYS) {
                String full = FeedConfigLoader.prefix(feed.name()) + key;
                if (config.optional(full).isPresent()) {
                    throw new ConfigException(full, "is set, but " + p + "style is not: say how the vendor signs ("
                            + WebhookStyle.known() + ")");
                }
            }
            return Optional.empty();
        }
        WebhookStyle style = WebhookStyle.of(styleName.get().toLowerCase(Locale.ROOT)).orElseThrow(() -> new ConfigException(
                p + "style", "has unknown webhook style '" + styleName.get() + "' (known: " + WebhookStyle.known() + ")"));
        List<String> raw = config.optional(p + "secrets").map(v -> List.of(v.split(","))).orElse(List.of()).stream()
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        raw.forEach(Secrets::register); // before anything could print them
        if (raw.isEmpty() && style != WebhookStyle.EVENTBRITE) {
            throw new ConfigException(p + "secrets", "is required with " + p + "style = " + style.key()
                    + " (comma-separated; several while a secret is rotated)");
        }
        List<Secret> secrets = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            secrets.add(new Secret(raw.get(i)));
            keys.add(style == WebhookStyle.STANDARD_WEBHOOKS ? standardKey(p + "secrets", raw.get(i), i + 1)
                    : raw.get(i).getBytes(StandardCharsets.UTF_8));
        }
        Duration tolerance = DEFAULT_TOLERANCE;
        if (style.timestamped()) {
            tolerance = config.positiveDuration(p + "tolerance", DEFAULT_TOLERANCE);
        } else {
            onlyFor(config, p + "tolerance", style, "stripe, standard-webhooks (styles whose signature covers a timestamp)");
        }
        boolean headerStyle = style == WebhookStyle.HMAC || style == WebhookStyle.EVENTBRITE && !keys.isEmpty();
        Optional<String> header = Optional.empty();
        FeedWebhook.Encoding encoding = FeedWebhook.Encoding.HEX;
        Optional<String> idHeader = Optional.empty();
        if (headerStyle) {
            header = Optional.of(headerName(config, p + "header", true, style).orElseThrow());
            String enc = config.string(p + "encoding", "hex").toLowerCase(Locale.ROOT);
            encoding = switch (enc) {
                case "hex" -> FeedWebhook.Encoding.HEX;
                case "base64" -> FeedWebhook.Encoding.BASE64;
                default -> throw new ConfigException(p + "encoding", "must be hex or base64 but was '" + enc + "'");
            };
        } else {
            String which = style == WebhookStyle.EVENTBRITE ? "hmac, and eventbrite with " + p + "secrets" : "hmac, eventbrite";
            onlyFor(config, p + "header", style, which);
            onlyFor(config, p + "encoding", style, which);
        }
        if (style == WebhookStyle.HMAC) {
            idHeader = headerName(config, p + "id-header", false, style);
        } else {
            onlyFor(config, p + "id-header", style, "hmac (the other styles take the sender's id from their own headers or body)");
        }
        return Optional.of(new FeedWebhook(feed.name(), style, List.copyOf(secrets), List.copyOf(keys), tolerance, header,
                encoding, idHeader, feed.baseUrl()));
    }

    /** A Standard Webhooks secret: {@code whsec_} and the key in base64. The message never shows the value. */
    private static byte[] standardKey(String property, String secret, int position) {
        String what = "has a secret (number " + position + ") that is not 'whsec_' followed by base64 (Standard Webhooks)";
        if (!secret.startsWith("whsec_")) {
            throw new ConfigException(property, what);
        }
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            if (key.length == 0) {
                throw new ConfigException(property, what);
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(property, what);
        }
    }

    private static Optional<String> headerName(ConfigReader config, String key, boolean required, WebhookStyle style) {
        Optional<String> name = required
                ? Optional.of(config.optional(key).orElseThrow(() -> new ConfigException(key, "is required with webhook.style = "
                        + style.key() + (style == WebhookStyle.EVENTBRITE ? " and webhook.secrets" : "")
                        + ": the header that carries the signature")))
                : config.optional(key);
        name.filter(n -> !HEADER.matcher(n).matches()).ifPresent(n -> {
            throw new ConfigException(key, "must be an HTTP header name but was '" + n + "'");
        });
        return name;
    }

    private static void onlyFor(ConfigReader config, String key, WebhookStyle style, String styles) {
        if (config.optional(key).isPresent()) {
            throw new ConfigException(key, "does not apply to webhook.style = " + style.key() + " (only to " + styles + ")");
        }
    }

    /** A size in bytes, e.g. {@code 1000000}, {@code 512KiB}, {@code 1MB}, from 1 to {@code max}. */
    static long size(ConfigReader config, String key, long defaultValue, long max) {
        Optional<String> raw = config.optional(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Matcher m = SIZE.matcher(raw.get());
        if (!m.matches()) {
            throw new ConfigException(key, "must be a size in bytes (e.g. 65536, 512KiB, 1MB) but was '" + raw.get() + "'");
        }
        long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "KB" -> 1_000;
            case "KiB" -> 1_024;
            case "MB" -> 1_000_000;
            case "MiB" -> 1_048_576;
            default -> 1;
        };
        long value;
        try {
            value = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            value = Long.MAX_VALUE;
        }
        if (value < 1 || value > max) {
            throw new ConfigException(key, "must be from 1 byte to " + max + " bytes (the inbox keeps the body as text,"
                    + " at most 1 000 000 characters on H2) but was '" + raw.get() + "'");
        }
        return value;
    }
}
