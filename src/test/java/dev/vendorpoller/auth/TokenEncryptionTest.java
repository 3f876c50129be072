package dev.vendorpoller.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vendorpoller.auth.TokenStore.Tokens;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secret;
import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.StoreSettings;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OAuth2 tokens at rest (issue 12, "Secrets at rest"): encrypted with AES-GCM in oauth_token on a real H2 file, read
 * back by a new store (a restart), plain-text rows of an earlier version encrypted on first read, and a service with
 * an OAuth2 account that refuses to start without a key.
 */
class TokenEncryptionTest extends ServiceTest {
    static final String KEY = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
            15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
    static final Tokens TOKENS = new Tokens(new Secret("at-live-4242"), new Secret("rt-live-4242"),
            Instant.parse("2026-03-01T10:00:00Z"), "seed-hash");
    @TempDir
    Path dir;
    Database db;

    @BeforeEach
    void open() {
        db = new Database(StoreSettings.of("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0", "sa"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    static TokenCipher cipher(String key) {
        return TokenCipher.load(new ConfigReader(k -> Optional.ofNullable(Map.of(TokenCipher.KEY, key).get(k))), "acme");
    }

    Map<String, Object> raw() {
        return db.jdbc().queryForMap("SELECT access_token, refresh_token FROM oauth_token WHERE account = 'acme'");
    }

    @Test
    void should_store_oauth2_tokens_encrypted_and_read_them_back_after_a_restart() {
        new TokenStore(db.jdbc(), cipher(KEY)).save("acme", TOKENS);

        Map<String, Object> row = raw();
        assertThat(row.toString()).doesNotContain("at-live-4242").doesNotContain("rt-live-4242");
        assertThat((String) row.get("ACCESS_TOKEN")).startsWith("v1:");
        assertThat((String) row.get("REFRESH_TOKEN")).startsWith("v1:");
        Tokens loaded = new TokenStore(db.jdbc(), cipher(KEY)).load("acme").orElseThrow();
        assertThat(loaded.accessToken().reveal()).isEqualTo("at-live-4242");
        assertThat(loaded.refreshToken().reveal()).isEqualTo("rt-live-4242");
        assertThat(loaded.expiresAt()).isEqualTo(TOKENS.expiresAt());
    }

    @Test
    void should_not_open_tokens_moved_to_another_column_or_sealed_with_another_key() {
        new TokenStore(db.jdbc(), cipher(KEY)).save("acme", TOKENS);
        db.jdbc().update("UPDATE oauth_token SET refresh_token = access_token");

        assertThat(new TokenStore(db.jdbc(), cipher(KEY)).load("acme")).as("the access token swapped into refresh_token").isEmpty();
        new TokenStore(db.jdbc(), cipher(KEY)).save("acme", TOKENS);
        assertThat(new TokenStore(db.jdbc(), cipher(PollerHarness.TOKEN_KEY)).load("acme")).as("another key").isEmpty();
    }

    @Test
    void should_encrypt_tokens_an_earlier_version_stored_in_plain_text_on_first_read() {
        db.jdbc().update("INSERT INTO oauth_token (account, access_token, refresh_token, expires_at, seed_hash, updated_at)"
                + " VALUES ('acme', 'at-live-4242', 'rt-live-4242', NULL, 'seed-hash', CURRENT_TIMESTAMP)");

        Tokens loaded = new TokenStore(db.jdbc(), cipher(KEY)).load("acme").orElseThrow();

        assertThat(loaded.refreshToken().reveal()).isEqualTo("rt-live-4242");
        assertThat(raw().toString()).doesNotContain("live-4242");
        assertThat(new TokenStore(db.jdbc(), cipher(KEY)).load("acme").orElseThrow().accessToken().reveal()).isEqualTo("at-live-4242");
    }

    @Test
    void should_refuse_a_token_key_that_is_not_an_aes_key_naming_the_property() {
        assertThatThrownBy(() -> cipher(Base64.getEncoder().encodeToString(new byte[20]))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'vendor-poller.token-key'").hasMessageContaining("16, 24 or 32 bytes");
        assertThatThrownBy(() -> cipher("not base64 !")).isInstanceOf(ConfigException.class).hasMessageContaining("must be base64");
    }

    @Test
    void should_read_the_token_key_from_a_file() throws Exception {
        Path file = Files.writeString(dir.resolve("token.key"), KEY + "\n");
        TokenCipher fromFile = TokenCipher.load(new ConfigReader(k -> Optional.ofNullable(
                Map.of(TokenCipher.KEY_FILE, file.toString()).get(k))), "acme");
        new TokenStore(db.jdbc(), fromFile).save("acme", TOKENS);
        assertThat(new TokenStore(db.jdbc(), cipher(KEY)).load("acme").orElseThrow().accessToken().reveal()).isEqualTo("at-live-4242");
    }

    @Test
    void should_refuse_to_start_a_service_with_an_oauth2_account_and_no_token_key() throws Exception {
        try (PollerHarness poller = newPoller()) {
            poller.unset(TokenCipher.KEY).feed("forms", "http://127.0.0.1:9", "account", "crm").account("crm", "auth", "oauth2",
                    "oauth2.token-url", "http://127.0.0.1:9/oauth/token", "oauth2.client-id", "id", "oauth2.client-secret",
                    "cs-123456", "oauth2.refresh-token", "rt-123456");
            assertThatThrownBy(poller::start).hasStackTraceContaining("'vendor-poller.token-key'")
                    .hasStackTraceContaining("account 'crm' uses auth = oauth2");
        }
    }
}
