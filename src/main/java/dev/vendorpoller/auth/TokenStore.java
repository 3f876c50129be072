package dev.vendorpoller.auth;

import dev.vendorpoller.config.Secret;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.store.Sql;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The oauth_token table: the newest tokens of each account, so a rotated refresh token outlives the process. Each
 * {@link #save} is one statement (an UPDATE, or an INSERT for the account's first tokens), hence atomic on its own.
 */
public final class TokenStore {
    private final JdbcTemplate jdbc;

    public TokenStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One account's tokens; {@code seedHash} identifies the configured refresh token they descend from. The values are
     * {@link Secret}s, so the record's toString masks them.
     */
    public record Tokens(Secret accessToken, Secret refreshToken, Instant expiresAt, String seedHash) {
    }

    /** Loaded values are registered with {@link Secrets}, so a log line that quotes one is masked. */
    public Optional<Tokens> load(String account) {
        List<Tokens> rows = jdbc.query("SELECT access_token, refresh_token, expires_at, seed_hash FROM oauth_token WHERE account = ?",
                (rs, i) -> {
                    String access = rs.getString("access_token");
                    OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
                    return new Tokens(access == null ? null : Secrets.register(access), Secrets.register(rs.getString("refresh_token")),
                            expires == null ? null : expires.toInstant(), rs.getString("seed_hash"));
                }, account);
        return rows.stream().findFirst();
    }

    public void save(String account, Tokens tokens) {
        String access = tokens.accessToken() == null ? null : tokens.accessToken().reveal();
        String refresh = tokens.refreshToken().reveal();
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
