package dev.vendorpoller.webhook;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** What a vendor does to sign a webhook, written from each style's documentation (not from the service's code). */
final class Signing {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Signing() {
    }

    static byte[] hmac(byte[] key, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stripe: {@code t=<seconds>,v1=<hex HMAC of "t.body" under the secret's text>}. */
    static String stripe(String secret, long t, String body) {
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), t + "." + body));
    }

    /** Standard Webhooks: {@code v1,<base64 HMAC of "id.timestamp.body" under base64-decoded whsec_ secret>}. */
    static String standard(String whsec, String id, long t, String body) {
        byte[] key = Base64.getDecoder().decode(whsec.substring("whsec_".length()));
        return "v1," + Base64.getEncoder().encodeToString(hmac(key, id + "." + t + "." + body));
    }

    static String hmacHex(String secret, String body) {
        return HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    static String hmacBase64(String secret, String body) {
        return Base64.getEncoder().encodeToString(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    static String whsec(String seed) {
        return "whsec_" + Base64.getEncoder().encodeToString(seed.getBytes(StandardCharsets.UTF_8));
    }

    /** What a raw request writes after its headers (a body sent slowly, in chunks). */
    interface BodyWriter {
        void write(java.io.OutputStream out) throws java.io.IOException;
    }

    /**
     * A POST over a plain socket, with {@code headers} (CRLF-separated lines) and what {@code body} writes (null:
     * nothing): the whole answer as text, read until the server closes or 5 s pass. Writing may fail once the server
     * has answered and closed; the answer is still read.
     */
    static String raw(int port, String path, String headers, BodyWriter body) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            var out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + headers
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (body != null) {
                try {
                    body.write(out);
                } catch (java.io.IOException closed) {
                    // the server answered and closed the connection: read what it said
                }
            }
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[8192];
            try {
                var in = socket.getInputStream();
                for (int n; (n = in.read(buffer)) > 0; ) {
                    answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    if (answer.indexOf("\r\n\r\n") > 0 && answer.toString().contains("}")) {
                        break; // the answers are one small JSON object
                    }
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // keep what arrived
            }
            return answer.toString();
        }
    }

    /** POSTs {@code body} with header name/value pairs; returns the answer. */
    static HttpResponse<String> post(int port, String path, String body, String... headers) throws Exception {
        return post(port, path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    static HttpResponse<String> post(int port, String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        request.header("Content-Type", "application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
