package dev.vendorpoller.auth;

import dev.vendorpoller.config.Secret;
import dev.vendorpoller.config.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * HTTP Basic authentication (RFC 7617): {@code Authorization: Basic base64(username:password)} ({@code auth = basic}).
 * The encoded value is registered with {@link Secrets} too, so a logged header is masked like the password.
 */
public final class BasicCredentials implements Credentials {
    private final String username;
    private final Secret encoded;

    public BasicCredentials(String username, Secret password) {
        this.username = Objects.requireNonNull(username, "username");
        this.encoded = Secrets.register(Base64.getEncoder().encodeToString(
                (username + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String authorization() {
        return "Basic " + encoded.reveal();
    }

    @Override
    public boolean refreshAfterUnauthorized(String rejected) {
        return false;
    }

    @Override
    public String describe() {
        return "basic auth as " + username;
    }
}
