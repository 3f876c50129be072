package dev.vendorpoller.auth;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secret;
import dev.vendorpoller.config.Secrets;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One account's OAuth2 refresh-token grant: where to refresh, as which client, and from which refresh token. The
 * refresh token is only the seed: once the vendor rotates it, the stored one wins (see {@link OAuth2Credentials}).
 */
public record OAuth2Settings(
        URI tokenUrl,
        String clientId,
        Secret clientSecret,
        Secret refreshToken,
        Duration refreshMargin,
        ClientAuth clientAuth) {

    public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofSeconds(60);

    /** How the client authenticates to the token endpoint (RFC 6749 section 2.3.1). */
    public enum ClientAuth {
        /** client_id and client_secret as form fields. */
        POST,
        /** An {@code Authorization: Basic} header. */
        BASIC
    }

    public OAuth2Settings {
        Objects.requireNonNull(tokenUrl, "tokenUrl");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(refreshMargin, "refreshMargin");
        Objects.requireNonNull(clientAuth, "clientAuth");
    }

    /** The keys of the refresh-token grant, relative to the account's prefix. */
    public static final List<String> KEYS = List.of("oauth2.token-url", "oauth2.client-id", "oauth2.client-secret",
            "oauth2.refresh-token", "oauth2.refresh-margin", "oauth2.client-auth");

    /** Reads {@code prefix + "oauth2.*"}; the secrets are registered with {@link Secrets} so error text masks them. */
    public static OAuth2Settings load(ConfigReader config, String prefix) {
        String p = prefix + "oauth2.";
        return new OAuth2Settings(
                tokenUrl(config, p + "token-url"),
                config.required(p + "client-id"),
                Secrets.register(config.required(p + "client-secret")),
                Secrets.register(config.required(p + "refresh-token")),
                config.duration(p + "refresh-margin", DEFAULT_REFRESH_MARGIN),
                clientAuth(config, p + "client-auth"));
    }

    private static URI tokenUrl(ConfigReader config, String key) {
        String raw = config.required(key);
        URI uri;
        try {
            uri = URI.create(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "is not a valid URL: '" + raw + "'");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new ConfigException(key, "must be an absolute http(s) URL but was '" + raw + "'");
        }
        if (uri.getRawUserInfo() != null) {
            // Not echoed: the user info may be a credential.
            throw new ConfigException(key, "must not contain user info: set client-id and client-secret instead");
        }
        return uri;
    }

    private static ClientAuth clientAuth(ConfigReader config, String key) {
        String raw = config.string(key, "post");
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "post" -> ClientAuth.POST;
            case "basic" -> ClientAuth.BASIC;
            default -> throw new ConfigException(key, "must be post or basic but was '" + raw + "'");
        };
    }

    /** Names the endpoint and client, never the secrets. */
    @Override
    public String toString() {
        return "OAuth2Settings[tokenUrl=" + tokenUrl + ", clientId=" + clientId + ", clientAuth="
                + clientAuth.name().toLowerCase(Locale.ROOT) + ", refreshMargin=" + refreshMargin + "]";
    }
}
