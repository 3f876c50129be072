package dev.vendorpoller.auth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.vendorpoller.auth.OAuth2Settings.ClientAuth;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.record.Hashes;
import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.StoreSettings;
import dev.vendorpoller.support.LocalPostgres;
import dev.vendorpoller.support.ManualClock;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refresh-token grant against a WireMock token endpoint and a real H2 file database migrated by the service's own
 * {@link Database}: what the endpoint received, what oauth_token holds, and that no secret is ever printed.
 */
class OAuth2CredentialsTest {
    static final String PATH = "/oauth/token";
    static final String ACCOUNT = "acme";
    static final String CLIENT_ID = "poller-client";
    static final String CLIENT_SECRET = "cs-Sup3r/Secret+1";
    static final String SEED = "rt-seed-0001";
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    /** Every token value a test uses: none may appear in a string meant for humans. */
    static final List<String> SECRETS = List.of(CLIENT_SECRET, SEED, "rt-seed-0002", "at-one-1111", "at-two-2222",
            "at-three-3333", "rt-two-2222", "rt-three-3333");

    /** The test's token key: tokens are stored encrypted with it; {@link #row} shows them decrypted. */
    static final TokenCipher CIPHER = TokenCipher.of(new byte[32]);
    @TempDir
    Path dir;
    WireMockServer endpoint;
    Database db;
    ManualClock clock = new ManualClock(T0);

    @BeforeEach
    void setUp() {
        endpoint = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        endpoint.start();
        db = database("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0", "sa");
    }

    @AfterEach
    void tearDown() {
        if (db != null) {
            db.close();
        }
        endpoint.stop();
    }

    @Test
    void should_refresh_on_first_use_with_the_configured_refresh_token_and_client_credentials() {
        issue("at-one-1111", 3600, "rt-two-2222");
        OAuth2Credentials credentials = credentials(settings(SEED, ClientAuth.POST));

        assertThat(credentials.authorization()).isEqualTo("Bearer at-one-1111");

        assertThat(refreshes()).hasSize(1);
        assertThat(form(0)).containsExactlyInAnyOrderEntriesOf(Map.of("grant_type", "refresh_token",
                "refresh_token", SEED, "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET));
        LoggedRequest request = refreshes().get(0);
        assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(request.getHeader("Accept")).isEqualTo("application/json");
        assertThat(request.containsHeader("Authorization")).isFalse();
        Map<String, Object> row = row();
        assertThat(row).containsEntry("ACCESS_TOKEN", "at-one-1111").containsEntry("REFRESH_TOKEN", "rt-two-2222")
                .containsEntry("SEED_HASH", Hashes.sha256Hex(SEED));
        assertThat(expiresAt(row)).isEqualTo(T0.plusSeconds(3600));
        assertThat(db.jdbc().queryForObject("SELECT COUNT(*) FROM oauth_token", Integer.class)).isEqualTo(1);
    }

    @Test
    void should_reuse_a_token_valid_beyond_the_margin_and_refresh_one_inside_it_with_the_rotated_refresh_token() {
        issue("at-one-1111", 600, "rt-two-2222");
        OAuth2Credentials credentials = credentials(settings(SEED, ClientAuth.POST)); // margin 60 s
        assertThat(credentials.authorization()).isEqualTo("Bearer at-one-1111");

        clock.advance(Duration.ofSeconds(539)); // 61 s left
        assertThat(credentials.authorization()).isEqualTo("Bearer at-one-1111");
        assertThat(refreshes()).as("still valid beyond the margin: no call").hasSize(1);

        issue("at-two-2222", 600, "rt-three-3333");
        clock.advance(Duration.ofSeconds(2)); // 59 s left: inside the margin, not yet expired
        assertThat(credentials.authorization()).isEqualTo("Bearer at-two-2222");

        assertThat(refreshes()).hasSize(2);
        assertThat(form(1)).containsEntry("refresh_token", "rt-two-2222");
        assertThat(row()).containsEntry("ACCESS_TOKEN", "at-two-2222").containsEntry("REFRESH_TOKEN", "rt-three-3333");
        assertThat(expiresAt(row())).isEqualTo(T0.plusSeconds(541 + 600));
    }

    @Test
    void should_keep_the_refresh_token_and_assume_an_hour_when_the_response_omits_them() {
        endpoint.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson("{\"access_token\":\"at-one-1111\",\"token_type\":\"Bearer\"}")));
        OAuth2Credentials credentials = credentials(settings(SEED, ClientAuth.POST));

        assertThat(credentials.authorization()).isEqualTo("Bearer at-one-1111");
        assertThat(row()).containsEntry("REFRESH_TOKEN", SEED);
        assertThat(expiresAt(row())).isEqualTo(T0.plus(Duration.ofHours(1)));

        clock.advance(Duration.ofMinutes(59).plusSeconds(1));
        credentials.authorization();
        assertThat(refreshes()).hasSize(2);
        assertThat(form(1)).containsEntry("refresh_token", SEED);
    }

    @Test
    void should_continue_after_a_restart_from_the_stored_rotated_refresh_token() {
        issue("at-one-1111", 3600, "rt-two-2222");
        credentials(settings(SEED, ClientAuth.POST)).authorization();
        db.close();
        db = database("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0", "sa");

        OAuth2Credentials restarted = credentials(settings(SEED, ClientAuth.POST));
        assertThat(restarted.authorization()).isEqualTo("Bearer at-one-1111");
        assertThat(refreshes()).as("the stored access token is still valid").hasSize(1);

        issue("at-two-2222", 3600, "rt-three-3333");
        clock.advance(Duration.ofHours(1));
        assertThat(restarted.authorization()).isEqualTo("Bearer at-two-2222");
        assertThat(refreshes()).hasSize(2);
        assertThat(form(1)).as("the configured seed is spent: the rotated one is used").containsEntry("refresh_token", "rt-two-2222");
        assertThat(row()).containsEntry("REFRESH_TOKEN", "rt-three-3333");
    }

    @Test
    void should_let_a_newly_configured_refresh_token_win_over_the_stored_one() {
        issue("at-one-1111", 3600, "rt-two-2222");
        credentials(settings(SEED, ClientAuth.POST)).authorization();

        issue("at-two-2222", 3600, null);
        OAuth2Credentials reconfigured = credentials(settings("rt-seed-0002", ClientAuth.POST));
        assertThat(reconfigured.authorization()).as("the old grant's access token is dropped too").isEqualTo("Bearer at-two-2222");

        assertThat(refreshes()).hasSize(2);
        assertThat(form(1)).containsEntry("refresh_token", "rt-seed-0002");
        assertThat(row()).containsEntry("REFRESH_TOKEN", "rt-seed-0002").containsEntry("SEED_HASH", Hashes.sha256Hex("rt-seed-0002"));

        OAuth2Credentials restarted = credentials(settings("rt-seed-0002", ClientAuth.POST));
        assertThat(restarted.authorization()).isEqualTo("Bearer at-two-2222");
        assertThat(refreshes()).as("same seed as stored: the stored tokens are used").hasSize(2);
    }

    @Test
    void should_refresh_once_after_a_401_and_not_again_for_a_stale_authorization() {
        issue("at-one-1111", 3600, "rt-two-2222");
        OAuth2Credentials credentials = credentials(settings(SEED, ClientAuth.POST));
        String rejected = credentials.authorization();

        issue("at-two-2222", 3600, "rt-three-3333");
        assertThat(credentials.refreshAfterUnauthorized(rejected)).isTrue();
        assertThat(refreshes()).hasSize(2);
        assertThat(form(1)).containsEntry("refresh_token", "rt-two-2222");
        assertThat(credentials.authorization()).isEqualTo("Bearer at-two-2222");
        assertThat(row()).containsEntry("ACCESS_TOKEN", "at-two-2222").containsEntry("REFRESH_TOKEN", "rt-three-3333");

        assertThat(credentials.refreshAfterUnauthorized(rejected)).as("another caller already refreshed").isTrue();
        assertThat(refreshes()).hasSize(2);
    }

    @Test
    void should_return_false_and_warn_once_without_tokens_when_the_grant_is_refused() {
        issue("at-one-1111", 3600, "rt-two-2222");
        OAuth2Credentials credentials = credentials(settings(SEED, ClientAuth.POST));
        String rejected = credentials.authorization();
        endpoint.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"refresh token rt-two-2222 was revoked\"}")));

        List<String> warnings = captureWarnings(() -> credentials.refreshAfterUnauthorized(rejected), result -> assertThat(result).isFalse());

        assertThat(refreshes()).hasSize(2);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains(ACCOUNT, "400", "invalid_grant");
        assertNoSecret(warnings.get(0));
        assertThat(row()).as("a refused refresh changes nothing stored").containsEntry("REFRESH_TOKEN", "rt-two-2222");

        OAuth2Credentials fresh = credentials(settings("rt-seed-0002", ClientAuth.POST));
        CredentialsUnavailableException e = catchThrowableOfType(CredentialsUnavailableException.class, fresh::authorization);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains(ACCOUNT, "400");
        assertNoSecret(e.getMessage());
    }

    @Test
    void should_throw_a_retryable_exception_naming_account_and_status_on_a_5xx() {
        endpoint.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(503).withBody("down")));
        OAuth2Credentials credentials = credentials(settings(SEED, ClientAuth.POST));

        CredentialsUnavailableException e = catchThrowableOfType(CredentialsUnavailableException.class, credentials::authorization);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains(ACCOUNT, "503", "127.0.0.1");
        assertNoSecret(e.getMessage());

        issue("at-one-1111", 3600, "rt-two-2222");
        String rejected = credentials.authorization();
        endpoint.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(502)));
        assertThatThrownBy(() -> credentials.refreshAfterUnauthorized(rejected))
                .as("a 5xx during a 401 retry is retryable, not a refusal")
                .isInstanceOfSatisfying(CredentialsUnavailableException.class, ex -> assertThat(ex.retryable()).isTrue());

        endpoint.stop();
        CredentialsUnavailableException io = catchThrowableOfType(CredentialsUnavailableException.class,
                () -> credentials.refreshAfterUnauthorized(rejected));
        assertThat(io.retryable()).isTrue();
        assertThat(io.getMessage()).contains(ACCOUNT, "unreachable");
        assertNoSecret(io.getMessage());
    }

    @Test
    void should_send_client_credentials_as_basic_auth_when_configured() {
        issue("at-one-1111", 3600, null);
        credentials(settings(SEED, ClientAuth.BASIC)).authorization();

        String expected = Base64.getEncoder().encodeToString(
                (CLIENT_ID + ":" + "cs-Sup3r%2FSecret%2B1").getBytes(StandardCharsets.UTF_8)); // RFC 6749 2.3.1: form-encoded first
        assertThat(refreshes().get(0).getHeader("Authorization")).isEqualTo("Basic " + expected);
        assertThat(form(0)).containsExactlyInAnyOrderEntriesOf(Map.of("grant_type", "refresh_token", "refresh_token", SEED));
        assertThat(Secrets.mask("Authorization: Basic " + expected)).doesNotContain(expected);
    }

    @Test
    void should_share_one_refresh_between_concurrent_callers() throws Exception {
        endpoint.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson("{\"access_token\":\"at-one-1111\",\"expires_in\":3600}")
                .withFixedDelay(300)));
        OAuth2Credentials credentials = credentials(settings(SEED, ClientAuth.POST));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit((Callable<String>) () -> {
                    start.await();
                    return credentials.authorization();
                }));
            }
            start.countDown();
            for (Future<String> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("Bearer at-one-1111");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(refreshes()).hasSize(1);
    }

    @Test
    void should_adopt_tokens_another_instance_stored_instead_of_spending_its_refresh_token() {
        OAuth2Credentials first = credentials(settings(SEED, ClientAuth.POST));
        OAuth2Credentials second = credentials(settings(SEED, ClientAuth.POST)); // e.g. another node: loaded before
        issue("at-one-1111", 3600, "rt-two-2222");
        first.authorization();

        assertThat(second.authorization()).isEqualTo("Bearer at-one-1111");
        assertThat(refreshes()).hasSize(1);

        issue("at-two-2222", 3600, "rt-three-3333");
        assertThat(first.refreshAfterUnauthorized("Bearer at-one-1111")).isTrue();
        assertThat(second.refreshAfterUnauthorized("Bearer at-one-1111")).as("the other instance refreshed").isTrue();
        assertThat(second.authorization()).isEqualTo("Bearer at-two-2222");
        assertThat(refreshes()).hasSize(2);
    }

    @Test
    void should_not_hand_out_tokens_before_they_are_stored() {
        issue("at-one-1111", 3600, "rt-two-2222");
        OAuth2Credentials credentials = credentials(settings(SEED, ClientAuth.POST));
        // The store refuses exactly this write (as a database that is down would), but can still be read.
        // (tokens are encrypted: the write is told apart by its seed hash)
        db.jdbc().execute("ALTER TABLE oauth_token ADD CONSTRAINT refuse_write CHECK (seed_hash <> '" + Hashes.sha256Hex(SEED) + "')");

        CredentialsUnavailableException e = catchThrowableOfType(CredentialsUnavailableException.class, credentials::authorization);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains(ACCOUNT, "cannot store");
        assertNoSecret(e.getMessage());
        assertThatThrownBy(credentials::authorization).isInstanceOf(CredentialsUnavailableException.class);
        assertThat(refreshes()).as("the rotated refresh token is kept in memory, not spent again").hasSize(1);
        assertThat(db.jdbc().queryForObject("SELECT COUNT(*) FROM oauth_token", Integer.class)).isZero();

        db.jdbc().execute("ALTER TABLE oauth_token DROP CONSTRAINT refuse_write");
        assertThat(credentials.authorization()).isEqualTo("Bearer at-one-1111");
        assertThat(refreshes()).hasSize(1);
        assertThat(row()).containsEntry("ACCESS_TOKEN", "at-one-1111").containsEntry("REFRESH_TOKEN", "rt-two-2222");
    }

    @Test
    void should_load_settings_and_name_the_full_property_when_one_is_missing_or_invalid() {
        String p = "vendor-poller.feed.acme.";
        Map<String, String> props = new HashMap<>(Map.of(
                p + "oauth2.token-url", "https://login.example.com/oauth/token",
                p + "oauth2.client-id", CLIENT_ID,
                p + "oauth2.client-secret", "cs-loaded-9999",
                p + "oauth2.refresh-token", "rt-loaded-9999"));

        OAuth2Settings loaded = OAuth2Settings.load(reader(props), p);
        assertThat(loaded.tokenUrl()).isEqualTo(URI.create("https://login.example.com/oauth/token"));
        assertThat(loaded.clientId()).isEqualTo(CLIENT_ID);
        assertThat(loaded.clientSecret().reveal()).isEqualTo("cs-loaded-9999");
        assertThat(loaded.refreshToken().reveal()).isEqualTo("rt-loaded-9999");
        assertThat(loaded.refreshMargin()).isEqualTo(Duration.ofSeconds(60));
        assertThat(loaded.clientAuth()).isEqualTo(ClientAuth.POST);
        assertThat(Secrets.mask("secret cs-loaded-9999 token rt-loaded-9999")).isEqualTo("secret **** token ****");
        assertThat(loaded.toString()).contains("login.example.com", CLIENT_ID).doesNotContain("cs-loaded-9999", "rt-loaded-9999");

        props.put(p + "oauth2.refresh-margin", "5m");
        props.put(p + "oauth2.client-auth", "BASIC");
        assertThat(OAuth2Settings.load(reader(props), p).refreshMargin()).isEqualTo(Duration.ofMinutes(5));
        assertThat(OAuth2Settings.load(reader(props), p).clientAuth()).isEqualTo(ClientAuth.BASIC);

        assertInvalid(props, p, "oauth2.refresh-margin", "300");
        assertInvalid(props, p, "oauth2.client-auth", "jwt");
        assertInvalid(props, p, "oauth2.token-url", "login.example.com/oauth/token");
        assertInvalid(props, p, "oauth2.token-url", "ftp://login.example.com/token");
        assertInvalid(props, p, "oauth2.token-url", "https://login.example.com/a b");
        assertInvalid(props, p, "oauth2.token-url", "https://user:cs-in-url-7777@login.example.com/token");
        for (String key : List.of("oauth2.token-url", "oauth2.client-id", "oauth2.client-secret", "oauth2.refresh-token")) {
            assertInvalid(props, p, key, null);
        }
    }

    @Test
    void should_never_reveal_secrets_in_toString_describe_or_messages() {
        issue("at-one-1111", 3600, "rt-two-2222");
        OAuth2Settings settings = settings(SEED, ClientAuth.BASIC);
        OAuth2Credentials credentials = credentials(settings);
        credentials.authorization();

        assertThat(credentials.describe()).isEqualTo("oauth2 refresh-token grant via 127.0.0.1");
        assertThat(credentials.toString()).contains(ACCOUNT, "127.0.0.1");
        TokenStore.Tokens stored = new TokenStore(db.jdbc(), CIPHER).load(ACCOUNT).orElseThrow();
        for (String text : List.of(credentials.toString(), credentials.describe(), settings.toString(), stored.toString())) {
            assertNoSecret(text);
        }
        assertThat(Secrets.mask("sent at-one-1111 with rt-two-2222")).as("issued tokens are registered for masking")
                .isEqualTo("sent **** with ****");
    }

    /** The same grant, restart included, on PostgreSQL 15 (127.0.0.1:5432, trust auth), in a schema of its own. */
    @Test
    void should_store_and_reload_tokens_on_postgresql() throws Exception {
        LocalPostgres.assumeUp();
        String server = LocalPostgres.URL;
        String schema = "vp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(server, "postgres", "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        db.close();
        try {
            db = database(server + "?currentSchema=" + schema, "postgres");
            issue("at-one-1111", 3600, "rt-two-2222");
            credentials(settings(SEED, ClientAuth.POST)).authorization();
            issue("at-two-2222", 3600, "rt-three-3333");
            clock.advance(Duration.ofHours(1));
            assertThat(credentials(settings(SEED, ClientAuth.POST)).authorization()).isEqualTo("Bearer at-two-2222");

            assertThat(form(1)).containsEntry("refresh_token", "rt-two-2222");
            assertThat(row()).containsEntry("REFRESH_TOKEN", "rt-three-3333").containsEntry("SEED_HASH", Hashes.sha256Hex(SEED));
            assertThat(expiresAt(row())).isEqualTo(T0.plus(Duration.ofHours(2)));
        } finally {
            db.close();
            db = null;
            try (Connection c = DriverManager.getConnection(server, "postgres", "")) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    /**
     * Two nodes on one PostgreSQL database, both with an expired access token at once: one refresh reaches the token
     * endpoint, the other node waits on the account's refresh lock and takes the stored result. Without the lock both
     * send the same refresh token, and a vendor that rotates refresh tokens refuses the second (invalid_grant).
     */
    @Test
    void should_refresh_once_for_two_nodes_on_one_postgresql_database() throws Exception {
        LocalPostgres.assumeUp();
        String schema = LocalPostgres.createSchema("vp_oauth_");
        db.close();
        db = null;
        Database nodeA = database(LocalPostgres.url(schema), "postgres");
        Database nodeB = database(LocalPostgres.url(schema), "postgres");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            endpoint.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson("{\"access_token\":\"at-one-1111\",\"token_type\":"
                    + "\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"rt-two-2222\"}").withFixedDelay(700)));
            OAuth2Credentials a = new OAuth2Credentials(ACCOUNT, settings(SEED, ClientAuth.POST), new TokenStore(nodeA, CIPHER), clock);
            OAuth2Credentials b = new OAuth2Credentials(ACCOUNT, settings(SEED, ClientAuth.POST), new TokenStore(nodeB, CIPHER), clock);

            Future<String> fromA = pool.submit(a::authorization);
            Future<String> fromB = pool.submit(b::authorization);

            assertThat(fromA.get(20, TimeUnit.SECONDS)).isEqualTo("Bearer at-one-1111");
            assertThat(fromB.get(20, TimeUnit.SECONDS)).isEqualTo("Bearer at-one-1111");
            assertThat(refreshes()).as("one refresh for both nodes").hasSize(1);
        } finally {
            pool.shutdownNow();
            nodeA.close();
            nodeB.close();
            LocalPostgres.dropSchema(schema);
        }
    }

    // --- helpers

    Database database(String url, String user) {
        return new Database(StoreSettings.load(reader(Map.of("vendor-poller.db.url", url, "vendor-poller.db.user", user))));
    }

    static ConfigReader reader(Map<String, String> props) {
        return new ConfigReader(key -> Optional.ofNullable(props.get(key)));
    }

    OAuth2Settings settings(String refreshToken, ClientAuth auth) {
        Map<String, String> props = new HashMap<>(Map.of(
                "x.oauth2.token-url", "http://127.0.0.1:" + endpoint.port() + PATH,
                "x.oauth2.client-id", CLIENT_ID,
                "x.oauth2.client-secret", CLIENT_SECRET,
                "x.oauth2.refresh-token", refreshToken,
                "x.oauth2.client-auth", auth.name().toLowerCase(java.util.Locale.ROOT)));
        return OAuth2Settings.load(reader(props), "x.");
    }

    OAuth2Credentials credentials(OAuth2Settings settings) {
        return new OAuth2Credentials(ACCOUNT, settings, new TokenStore(db.jdbc(), CIPHER), clock);
    }

    /** The token endpoint's next answer; a null refresh token or expiry is left out of the JSON. */
    void issue(String accessToken, Integer expiresIn, String refreshToken) {
        StringBuilder json = new StringBuilder("{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\"");
        if (expiresIn != null) {
            json.append(",\"expires_in\":").append(expiresIn);
        }
        if (refreshToken != null) {
            json.append(",\"refresh_token\":\"").append(refreshToken).append('"');
        }
        endpoint.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(json.append('}').toString())));
    }

    /** What the token endpoint received, oldest first (WireMock's journal order). */
    List<LoggedRequest> refreshes() {
        return endpoint.findAll(postRequestedFor(urlPathEqualTo(PATH)));
    }

    Map<String, String> form(int index) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : refreshes().get(index).getBodyAsString().split("&")) {
            String[] kv = pair.split("=", 2);
            fields.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return fields;
    }

    /** The account's oauth_token row, its tokens decrypted (they are stored encrypted: see TokenEncryptionTest). */
    Map<String, Object> row() {
        Map<String, Object> row = db.jdbc().queryForMap("SELECT * FROM oauth_token WHERE account = ?", ACCOUNT); // case-insensitive
        for (String column : List.of("ACCESS_TOKEN", "REFRESH_TOKEN")) {
            String stored = (String) row.get(column);
            try {
                row.put(column, stored == null ? null : CIPHER.decrypt(ACCOUNT, column.toLowerCase(Locale.ROOT), stored));
            } catch (GeneralSecurityException e) {
                throw new AssertionError(column + " is not encrypted with the test key", e);
            }
        }
        return row;
    }

    Instant expiresAt(Map<String, Object> row) {
        return db.jdbc().queryForObject("SELECT expires_at FROM oauth_token WHERE account = ?",
                (rs, i) -> rs.getObject(1, OffsetDateTime.class), ACCOUNT).toInstant();
    }

    static void assertNoSecret(String text) {
        assertThat(text).isNotNull();
        for (String secret : SECRETS) {
            assertThat(text).doesNotContain(secret);
        }
    }

    static void assertInvalid(Map<String, String> valid, String prefix, String key, String value) {
        Map<String, String> props = new HashMap<>(valid);
        if (value == null) {
            props.remove(prefix + key);
        } else {
            props.put(prefix + key, value);
        }
        assertThatThrownBy(() -> OAuth2Settings.load(reader(props), prefix))
                .as("%s = %s", key, value)
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.property()).isEqualTo(prefix + key);
                    assertThat(e.getMessage()).doesNotContain("cs-in-url-7777");
                });
    }

    /** Runs {@code action} with a log4j appender on OAuth2Credentials' logger; returns the WARN lines it logged. */
    static <T> List<String> captureWarnings(Callable<T> action, java.util.function.Consumer<T> check) {
        List<String> warnings = new CopyOnWriteArrayList<>();
        AbstractAppender appender = new AbstractAppender("oauth2-test", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(org.apache.logging.log4j.Level.WARN)) {
                    warnings.add(event.getMessage().getFormattedMessage()
                            + (event.getThrown() == null ? "" : " " + event.getThrown()));
                }
            }
        };
        appender.start();
        var logger = (org.apache.logging.log4j.core.Logger) LogManager.getLogger(OAuth2Credentials.class);
        logger.addAppender(appender);
        try {
            check.accept(action.call());
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            logger.removeAppender(appender);
            appender.stop();
        }
        return warnings;
    }
}
