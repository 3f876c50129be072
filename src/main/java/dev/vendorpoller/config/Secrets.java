package dev.vendorpoller.config;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.util.URISupport;

/**
 * Last line of defence for credentials: every configured secret value is registered here, and any text the service
 * persists or logs about a failure (dead letters, error messages) passes through {@link #mask}.
 */
public final class Secrets {
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();

    private Secrets() {
    }

    public static Secret register(String value) {
        if (value != null && value.length() >= 4) {
            VALUES.add(value);
        }
        return new Secret(value);
    }

    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = URISupport.sanitizeUri(text);
        for (String secret : VALUES) {
            masked = masked.replace(secret, "****");
        }
        return masked;
    }
}
