package dev.vendorpoller.auth;

import dev.vendorpoller.config.Secret;
import java.util.Objects;

/**
 * A static API key sent in the vendor's own header, e.g. {@code X-Api-Key: abc} ({@code auth = api-key}). Like a
 * bearer token, a 401 cannot be fixed by refreshing it.
 */
public final class ApiKey implements Credentials {
    private final String header;
    private final Secret key;

    public ApiKey(String header, Secret key) {
        this.header = Objects.requireNonNull(header, "header");
        this.key = Objects.requireNonNull(key, "key");
    }

    @Override
    public String header() {
        return header;
    }

    @Override
    public String authorization() {
        return key.reveal();
    }

    @Override
    public boolean refreshAfterUnauthorized(String rejected) {
        return false;
    }

    @Override
    public String describe() {
        return "api key in header " + header;
    }
}
