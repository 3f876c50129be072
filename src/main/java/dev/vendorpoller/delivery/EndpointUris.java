package dev.vendorpoller.delivery;

import dev.vendorpoller.config.Secrets;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Destination URIs are secrets (issue 12): webhook-style URLs carry their credential in the path or in a query
 * parameter of any name. What is stored or shown of one (outbox.endpoint_uri, dead letters, logs) is only its scheme,
 * host and port, {@link #shown}; the drain resolves the real URI from the configuration when it sends. Every part that
 * could hold a credential (the whole URI, user info, path, query values, an opaque URI's rest) is registered with
 * {@link Secrets}, so an error text that quotes it (last_error, a dead letter's message, a log line) is masked.
 */
public final class EndpointUris {
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
    private static final int MIN_SECRET = 4;

    private EndpointUris() {
    }

    /** {@code scheme://host:port} of a URI with a host, {@code scheme:} of any other, {@code ****} when none is readable. */
    public static String shown(String uri) {
        if (uri == null) {
            return null;
        }
        try {
            URI parsed = new URI(uri);
            if (parsed.getScheme() != null && parsed.getHost() != null) {
                return parsed.getScheme() + "://" + parsed.getHost() + (parsed.getPort() >= 0 ? ":" + parsed.getPort() : "");
            }
        } catch (Exception e) {
            // not a URI java.net reads (Camel URIs often are not): the scheme alone
        }
        Matcher m = SCHEME.matcher(uri);
        return m.find() ? m.group(1) + ":" : "****";
    }

    /**
     * Registers the parts of {@code uri} that may hold a credential, so {@link Secrets#mask} hides them: user info, path
     * and query (each value too) of a URI with a host, so that a text quoting it still shows scheme, host and port;
     * everything after the scheme of any other (a Camel {@code file:}, {@code jms:} … URI).
     */
    public static void registerSecrets(String uri) {
        try {
            URI parsed = new URI(uri);
            if (parsed.getHost() != null) {
                secret(parsed.getRawUserInfo());
                secret(parsed.getRawPath());
                secret(parsed.getPath());
                secret(parsed.getRawQuery());
                queryValues(parsed.getRawQuery());
                return;
            }
        } catch (Exception e) {
            // a Camel URI java.net does not read: as one without a host
        }
        Matcher scheme = SCHEME.matcher(uri);
        String rest = scheme.find() ? uri.substring(scheme.end()) : uri;
        secret(rest);
        int query = rest.indexOf('?');
        if (query >= 0) {
            secret(rest.substring(0, query));
            queryValues(rest.substring(query + 1));
        }
    }

    private static void queryValues(String query) {
        if (query == null) {
            return;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq >= 0) {
                String value = pair.substring(eq + 1);
                secret(value);
                secret(URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
    }

    private static void secret(String part) {
        if (part != null && part.length() >= MIN_SECRET) {
            Secrets.register(part);
        }
    }
}
