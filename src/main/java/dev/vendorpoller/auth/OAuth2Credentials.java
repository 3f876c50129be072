package dev.vendorpoller.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.auth.TokenStore.Tokens;
import dev.vendorpoller.config.Secret;
import dev.vendorpoller.config.Secrets;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * OAuth2 refresh-token grant for one vendor account. Vendors rotate refresh tokens, and a rotated one is the only
 * valid one, so every refresh is stored in {@link TokenStore} before its tokens are handed out: a restart (or another
 * instance on the same database) continues from the newest refresh token, not the configured one, which may be spent.
 * The configured refresh token wins again only when an operator changes it (its hash differs from the stored seed).
 * One lock per account: concurrent callers share one refresh; across nodes on one database the refresh runs under the
 * store's {@link TokenStore#exclusive lock} and first re-reads what another node may have stored meanwhile.
 */
public final class OAuth2Credentials implements Credentials {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Lifetime assumed when the token response has no usable expires_in. */
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(OAuth2Credentials.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String account;
    private final OAuth2Settings settings;
    private final TokenStore store;
    private final Clock clock;
    private final HttpClient http;
    private final String seedHash;
    private Tokens current;
    /** Tokens the endpoint issued that could not be stored yet: they are not handed out until they are. */
    private boolean unsaved;

    /** With its own HttpClient (5 s connect timeout); each refresh times out after 10 s. */
    public OAuth2Credentials(String account, OAuth2Settings settings, TokenStore store, Clock clock) {
        this(account, settings, store, clock, HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build());
    }

    /** Loads the account's stored tokens now; a stored row from another configured refresh token is ignored. */
    public OAuth2Credentials(String account, OAuth2Settings settings, TokenStore store, Clock clock, HttpClient http) {
        this.account = Objects.requireNonNull(account, "account");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = Objects.requireNonNull(http, "http");
        register(settings.clientSecret().reveal());
        register(settings.refreshToken().reveal());
        register(basicCredentials());
        this.seedHash = sha256Hex(settings.refreshToken().reveal());
        this.current = storedFromThisSeed().orElse(new Tokens(null, settings.refreshToken(), null, seedHash));
    }

    /**
     * Refreshes first when there is no access token or it expires within the margin.
     *
     * @throws CredentialsUnavailableException when no valid access token can be had (see its {@code retryable()})
     */
    @Override
    public synchronized String authorization() {
        if (unsaved) {
            save(current);
        }
        if (!fresh(current)) {
            adoptNewerStored();
            if (!fresh(current)) {
                exclusively(() -> !fresh(current));
            }
        }
        return bearer(current);
    }

    /**
     * True when {@code rejected} is no longer current or a refresh succeeded; false when the token endpoint refused the
     * refresh token (logged once, as a warning).
     *
     * @throws CredentialsUnavailableException (retryable) when the token endpoint or the store is unavailable
     */
    @Override
    public synchronized boolean refreshAfterUnauthorized(String rejected) {
        if (!Objects.equals(rejected, bearer(current))) {
            return true;
        }
        adoptNewerStored();
        if (!Objects.equals(rejected, bearer(current))) {
            return true;
        }
        try {
            exclusively(() -> Objects.equals(rejected, bearer(current)));
            return true;
        } catch (CredentialsUnavailableException e) {
            if (e.retryable()) {
                throw e;
            }
            LOG.warn("{}; requests for this account fail until a new refresh token is configured", e.getMessage());
            return false;
        }
    }

    @Override
    public String describe() {
        return "oauth2 refresh-token grant via " + settings.tokenUrl().getHost();
    }

    @Override
    public String toString() {
        return "OAuth2Credentials[account=" + account + ", " + describe() + "]";
    }

    private boolean fresh(Tokens tokens) {
        return tokens.accessToken() != null && tokens.expiresAt() != null
                && clock.instant().plus(settings.refreshMargin()).isBefore(tokens.expiresAt());
    }

    private static String bearer(Tokens tokens) {
        return tokens.accessToken() == null ? null : "Bearer " + tokens.accessToken().reveal();
    }

    private Optional<Tokens> storedFromThisSeed() {
        return store.load(account).filter(t -> seedHash.equals(t.seedHash()));
    }

    /** Another instance on the same database may have refreshed (and so spent our refresh token): continue from its. */
    private void adoptNewerStored() {
        if (unsaved) {
            return; // ours are newer than the store's
        }
        try {
            storedFromThisSeed().ifPresent(stored -> current = stored);
        } catch (DataAccessException e) {
            throw unavailable("cannot read its stored tokens (" + e.getClass().getSimpleName() + ")", true, e);
        }
    }

    /** Under the cluster-wide refresh lock: adopts another node's newer tokens, then refreshes if still {@code needed}. */
    private void exclusively(java.util.function.BooleanSupplier needed) {
        try {
            store.exclusive(account, () -> {
                adoptNewerStored();
                if (needed.getAsBoolean()) {
                    refresh();
                }
            });
        } catch (TransactionException e) {
            unsaved = true; // the commit of a refresh may be lost: the next call stores what this node holds
            throw unavailable("cannot lock or store its tokens (" + e.getClass().getSimpleName() + ")", true, e);
        } catch (DataAccessException e) {
            throw unavailable("cannot lock its stored tokens (" + e.getClass().getSimpleName() + ")", true, e);
        }
    }

    private void refresh() {
        Instant requestedAt = clock.instant();
        HttpResponse<String> response;
        try {
            response = http.send(request(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unavailable("token endpoint unreachable (" + e.getClass().getSimpleName() + ")", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while refreshing", true, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            boolean retryable = status >= 500 || status == 408 || status == 429;
            String verb = retryable ? "failed" : "was refused";
            throw unavailable("refresh " + verb + ": HTTP " + status + oauthError(response.body()), retryable, null);
        }
        Tokens issued = parse(response.body(), requestedAt);
        current = issued;
        unsaved = true;
        save(issued);
    }

    private HttpRequest request() {
        StringBuilder form = new StringBuilder("grant_type=refresh_token&refresh_token=").append(encode(current.refreshToken().reveal()));
        HttpRequest.Builder builder = HttpRequest.newBuilder(settings.tokenUrl())
                .version(HttpClient.Version.HTTP_1_1) // one small POST an hour: no h2c upgrade for servers to trip over
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (settings.clientAuth() == OAuth2Settings.ClientAuth.BASIC) {
            builder.header("Authorization", "Basic " + basicCredentials());
        } else {
            form.append("&client_id=").append(encode(settings.clientId()))
                    .append("&client_secret=").append(encode(settings.clientSecret().reveal()));
        }
        return builder.POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
    }

    /** RFC 6749 section 2.3.1: id and secret are form-encoded before they are joined and base64-encoded. */
    private String basicCredentials() {
        String pair = encode(settings.clientId()) + ":" + encode(settings.clientSecret().reveal());
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** A missing refresh_token keeps the current one; a missing or non-positive expires_in means one hour. */
    private Tokens parse(String body, Instant requestedAt) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            // The parser's message may quote the body, tokens included: neither it nor the cause is kept.
            json = null;
        }
        JsonNode access = json == null ? null : json.get("access_token");
        if (access == null || !access.isTextual() || access.asText().isEmpty()) {
            throw unavailable("token endpoint answered without an access_token", true, null);
        }
        JsonNode rotated = json.get("refresh_token");
        Secret refresh = rotated != null && rotated.isTextual() && !rotated.asText().isEmpty()
                ? register(rotated.asText()) : current.refreshToken();
        long expiresIn = json.path("expires_in").asLong(0);
        Duration lifetime = expiresIn > 0 ? Duration.ofSeconds(expiresIn) : DEFAULT_LIFETIME;
        return new Tokens(register(access.asText()), refresh, requestedAt.plus(lifetime), seedHash);
    }

    private void save(Tokens tokens) {
        try {
            store.save(account, tokens);
            unsaved = false;
        } catch (DataAccessException e) {
            throw unavailable("cannot store its refreshed tokens (" + e.getClass().getSimpleName() + ")", true, e);
        }
    }

    /** The OAuth2 error code (e.g. invalid_grant) when the body has a plausible one; never the free-text description. */
    private static String oauthError(String body) {
        try {
            String error = JSON.readTree(body).path("error").asText("");
            return error.matches("[a-z_]{1,40}") ? " " + error : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private CredentialsUnavailableException unavailable(String problem, boolean retryable, Throwable cause) {
        String message = "OAuth2 account '" + account + "' (" + describe() + "): " + problem;
        return new CredentialsUnavailableException(Secrets.mask(message), retryable, cause);
    }

    /** Registers a token and its form-encoded spelling, so a logged request body is masked too. */
    private static Secret register(String value) {
        Secrets.register(encode(value));
        return Secrets.register(value);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** SHA-256 hex of a configured refresh token: which seed the stored tokens descend from, without storing it. */
    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
