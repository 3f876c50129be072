package dev.vendorpoller.auth;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secrets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts OAuth2 tokens at rest in {@code oauth_token} with AES-GCM from the JDK: a fresh 96-bit nonce per value, a
 * 128-bit tag, and the account and column as associated data, so a stored value cannot be moved to another account
 * or column unnoticed. Stored form: {@code v1:<base64(nonce || ciphertext+tag)>}.
 *
 * <p>The key (16, 24 or 32 bytes, base64) comes from {@value #KEY} (e.g. the environment variable
 * VENDOR_POLLER_TOKEN_KEY) or from the file named by {@value #KEY_FILE}. Without one, a service with an OAuth2
 * account does not start: storing tokens in plain text is what this class exists to end, and not storing them would
 * lose a rotated refresh token at the next restart (the configured one may already be spent), so the account would
 * break later and silently instead of now and loudly.
 */
public final class TokenCipher {
    public static final String KEY = "vendor-poller.token-key";
    public static final String KEY_FILE = "vendor-poller.token-key-file";
    static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    private TokenCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** A cipher over raw key bytes (16, 24 or 32). */
    public static TokenCipher of(byte[] key) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("an AES key is 16, 24 or 32 bytes, not " + key.length);
        }
        return new TokenCipher(key.clone());
    }

    /**
     * The configured key, required because {@code account} uses OAuth2.
     *
     * @throws ConfigException naming {@value #KEY} (or {@value #KEY_FILE}) when it is missing or not a valid key
     */
    public static TokenCipher load(ConfigReader config, String account) {
        var inline = config.optional(KEY);
        var file = config.optional(KEY_FILE);
        if (inline.isPresent() && file.isPresent()) {
            throw new ConfigException(KEY_FILE, "is set together with " + KEY + ": set one of them");
        }
        if (inline.isEmpty() && file.isEmpty()) {
            throw new ConfigException(KEY, "is required because account '" + account + "' uses auth = oauth2: its tokens"
                    + " are stored encrypted (AES-GCM) in oauth_token and the service does not start without the key,"
                    + " since a rotated refresh token it could not store would be lost at the next restart. Set 32"
                    + " random bytes in base64 (openssl rand -base64 32) in the environment (VENDOR_POLLER_TOKEN_KEY)"
                    + " or in a file named by " + KEY_FILE);
        }
        String property = inline.isPresent() ? KEY : KEY_FILE;
        String encoded;
        if (inline.isPresent()) {
            encoded = inline.get();
        } else {
            try {
                encoded = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new ConfigException(KEY_FILE, "cannot be read: " + e.getClass().getSimpleName());
            }
        }
        Secrets.register(encoded);
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(property, "must be base64 (e.g. openssl rand -base64 32)");
        }
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new ConfigException(property, "must be 16, 24 or 32 bytes in base64 (32 recommended), not " + key.length + " bytes");
        }
        return new TokenCipher(key);
    }

    /** The stored form of one token of {@code account} in {@code column}. */
    public String encrypt(String account, String column, String plain) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(account, column));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable: " + e.getClass().getSimpleName());
        }
    }

    /** True when {@code stored} is in the encrypted form (a row written before encryption is plain text). */
    public static boolean isEncrypted(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /**
     * The token a stored value holds.
     *
     * @throws GeneralSecurityException when it was sealed with another key, for another account or column, or altered
     */
    public String decrypt(String account, String column, String stored) throws GeneralSecurityException {
        if (stored == null) {
            return null;
        }
        byte[] all;
        try {
            all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not base64");
        }
        if (all.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new GeneralSecurityException("too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
        cipher.updateAAD(aad(account, column));
        return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
    }

    private static byte[] aad(String account, String column) {
        return (account + "\u0000" + column).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "TokenCipher[AES-GCM, key ****]";
    }
}
