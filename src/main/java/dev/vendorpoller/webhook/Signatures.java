package dev.vendorpoller.webhook;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256, SHA-256 and their encodings; comparisons are constant-time ({@link MessageDigest#isEqual}). */
final class Signatures {
    private Signatures() {
    }

    /** HMAC-SHA256 over the parts, concatenated, under {@code key}. */
    static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * Whether any of the {@code candidates} (signatures as the sender wrote them, already decoded; null entries are
     * ones that did not decode) equals the HMAC under any of the {@code keys}. Every pair is compared, in constant
     * time each, so the time does not tell which key or which candidate came close.
     */
    static boolean anyMatches(List<byte[]> keys, List<byte[]> candidates, byte[]... signedParts) {
        boolean match = false;
        for (byte[] key : keys) {
            byte[] expected = hmac(key, signedParts);
            for (byte[] candidate : candidates) {
                match |= candidate != null && MessageDigest.isEqual(expected, candidate);
            }
        }
        return match;
    }

    /** Hex (either case) into bytes, or null when it is not hex. */
    static byte[] fromHex(String text) {
        try {
            return text.length() % 2 == 0 ? HexFormat.of().parseHex(text) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Base64 (standard alphabet, padding optional) into bytes, or null when it is not base64. */
    static byte[] fromBase64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
