package dev.vendorpoller.auth;

import dev.vendorpoller.config.Secret;

/** A static API key or personal token sent as {@code Authorization: Bearer …}; a 401 cannot be fixed by refreshing it. */
public final class BearerToken implements Credentials {
    private final Secret token;

    public BearerToken(Secret token) {
        this.token = token;
    }

    @Override
    public String authorization() {
        return "Bearer " + token.reveal();
    }

    @Override
    public boolean refreshAfterUnauthorized(String rejected) {
        return false;
    }

    @Override
    public String describe() {
        return "bearer token";
    }
}
