package dev.vendorpoller.record;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 hex of the parts joined by a unit separator (so "a"+"bc" and "ab"+"c" differ). */
public final class Hashes {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private Hashes() {
    }

    public static String sha256Hex(String... parts) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                digest.update((byte) 0x1f);
            }
            digest.update(String.valueOf(parts[i]).getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
