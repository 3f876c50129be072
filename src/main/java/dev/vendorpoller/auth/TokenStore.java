package dev.vendorpoller.auth;

import dev.vendorpoller.config.Secret;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.store.Sql;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.NamedLocks;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The oauth_token table: the newest tokens of each account, so a rotated refresh token outlives the process. Each
 * {@link #save} is one statement (an UPDATE, or an INSERT for the account's first tokens), hence atomic on its own.
 * Tokens are stored encrypted ({@link TokenCipher}); a row written in plain text before is read once and stored
 * encrypted at once; a row the key cannot open (the key changed) is treated as absent, with a WARN, so the account
 * starts again from its configured refresh token.
 */
public final class TokenStore {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.auth");
    private final JdbcTemplate jdbc;
    private final TokenCipher cipher;
    private final TransactionTemplate tx;
    private final NamedLocks locks;

    /** Refreshes are single-flight only within this process (one node, and tests of the store alone). */
    public TokenStore(JdbcTemplate jdbc, TokenCipher cipher) {
        this(jdbc, cipher, null, null);
    }

    /**
     * On PostgreSQL refreshes are single-flight across every node on the database ({@link #exclusive}). Embedded H2 is
     * one node, whose credentials already refresh one at a time; there the refresh holds no connection while it waits
     * for the token endpoint (H2 has a pool of one: a page commit would wait for it).
     */
    public TokenStore(Database db, TokenCipher cipher) {
        this(db.jdbc(), cipher, db.postgres() ? db.tx() : null, db.postgres() ? new NamedLocks(db) : null);
    }

    private TokenStore(JdbcTemplate jdbc, TokenCipher cipher, TransactionTemplate tx, NamedLocks locks) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.tx = tx;
        this.locks = locks;
    }

    /**
     * Runs {@code work} (read the stored tokens, refresh if still needed, save) holding the account's refresh lock,
     * which every node on the database sees (a PostgreSQL advisory lock), in one transaction: two nodes never spend
     * the same refresh token, the second one waits and then finds the first one's tokens stored.
     */
    public void exclusive(String account, Runnable work) {
        if (tx == null) {
            work.run();
            return;
        }
        tx.executeWithoutResult(status -> {
            locks.lock(List.of("oauth2-refresh:" + account));
            work.run();
        });
    }

    /**
     * One account's tokens; {@code seedHash} identifies the configured refresh token they descend from. The values are
     * {@link Secret}s, so the record's toString masks them.
     */
    public record Tokens(Secret accessToken, Secret refreshToken, Instant expiresAt, String seedHash) {
    }

    /** Loaded values are registered with {@link Secrets}, so a log line that quotes one is masked. */
    public Optional<Tokens> load(String account) {
        record Row(String access, String refresh, OffsetDateTime expires, String seedHash) {
        }
        List<Row> rows = jdbc.query("SELECT access_token, refresh_token, expires_at, seed_hash FROM oauth_token WHERE account = ?",
                (rs, i) -> new Row(rs.getString("access_token"), rs.getString("refresh_token"),
                        rs.getObject("expires_at", OffsetDateTime.class), rs.getString("seed_hash")), account);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Row row = rows.get(0);
        String access;
        String refresh;
        boolean plain = !TokenCipher.isEncrypted(row.refresh());
        try {
            access = plain ? row.access() : cipher.decrypt(account, "access_token", row.access());
            refresh = plain ? row.refresh() : cipher.decrypt(account, "refresh_token", row.refresh());
        } catch (GeneralSecurityException e) {
            LOG.warn("account={} stored OAuth2 tokens cannot be opened with the configured {} (was it changed?):"
                    + " starting again from the configured refresh token", account, TokenCipher.KEY);
            return Optional.empty();
        }
        Tokens tokens = new Tokens(access == null ? null : Secrets.register(access), Secrets.register(refresh),
                row.expires() == null ? null : row.expires().toInstant(), row.seedHash());
        if (plain) {
            save(account, tokens); // written before tokens were encrypted: not one more hour in plain text
            LOG.info("account={} OAuth2 tokens stored in plain text by an earlier version are now encrypted", account);
        }
        return Optional.of(tokens);
    }

    public void save(String account, Tokens tokens) {
        String access = tokens.accessToken() == null ? null : cipher.encrypt(account, "access_token", tokens.accessToken().reveal());
        String refresh = cipher.encrypt(account, "refresh_token", tokens.refreshToken().reveal());
        OffsetDateTime expires = Sql.utc(tokens.expiresAt());
        OffsetDateTime now = Sql.utc(Instant.now());
        String update = "UPDATE oauth_token SET access_token = ?, refresh_token = ?, expires_at = ?, seed_hash = ?, updated_at = ?"
                + " WHERE account = ?";
        if (jdbc.update(update, access, refresh, expires, tokens.seedHash(), now, account) > 0) {
            return;
        }
        try {
            jdbc.update("INSERT INTO oauth_token (account, access_token, refresh_token, expires_at, seed_hash, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", account, access, refresh, expires, tokens.seedHash(), now);
        } catch (DuplicateKeyException e) {
            // Another instance inserted the account's first row in between: ours is newer.
            jdbc.update(update, access, refresh, expires, tokens.seedHash(), now, account);
        }
    }
}
