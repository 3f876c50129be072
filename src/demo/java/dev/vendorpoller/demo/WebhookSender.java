package dev.vendorpoller.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo vendor's webhooks (docs/webhooks.md): each registration it publishes live is also pushed, Standard
 * Webhooks style, to {@code <base>/demo-registrations} ({@code {"type":"registration.updated","timestamp":…,
 * "data":<the record as the API serves it>}}, webhook-id {@code reg-pos-<position>}), and each Stripe event, Stripe
 * style, to {@code <base>/demo-payments} (the event as the list serves it). Like a real vendor it is unreliable, on
 * purpose and reproducibly (fixed seed): of every 100 deliveries about 5 are dropped, 5 sent twice, 5 sent 10 s late,
 * and 1 signed with a wrong key; polling finds what the pushes missed.
 */
final class WebhookSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.demo");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-webhooks");
        t.setDaemon(true);
        return t;
    });
    private final Random random = new Random(15);
    private final DemoVendor vendor;
    private final String base;
    private final byte[] registrationKey;
    private final String stripeSecret;
    private final AtomicLong sent = new AtomicLong();
    private long nextPosition;

    /**
     * @param base            e.g. http://127.0.0.1:9878/webhooks/
     * @param registrationKey the demo-registrations feed's Standard Webhooks secret ({@code whsec_…})
     * @param stripeSecret    the demo-payments feed's Stripe webhook secret (null: no Stripe webhooks)
     */
    WebhookSender(DemoVendor vendor, String base, String registrationKey, String stripeSecret) {
        this.vendor = vendor;
        this.base = base.endsWith("/") ? base : base + "/";
        this.registrationKey = Base64.getDecoder().decode(registrationKey.substring(registrationKey.indexOf('_') + 1));
        this.stripeSecret = stripeSecret;
    }

    WebhookSender start() {
        nextPosition = vendor.size(); // the backlog was never pushed: polling reads it
        timer.scheduleWithFixedDelay(this::registrations, 500, 200, TimeUnit.MILLISECONDS);
        if (stripeSecret != null) {
            vendor.onStripeEvent(json -> timer.execute(() -> deliver("demo-payments", json, null)));
        }
        return this;
    }

    private void registrations() {
        long end = vendor.size();
        for (; nextPosition < end; nextPosition++) {
            StringBuilder body = new StringBuilder("{\"type\":\"registration.updated\",\"timestamp\":\"")
                    .append(Instant.now()).append("\",\"data\":");
            vendor.data().appendJson(nextPosition, body);
            deliver("demo-registrations", body.append('}').toString(), "reg-pos-" + nextPosition);
        }
    }

    /** Sends one delivery with the demo's traps; {@code id} null: a Stripe event (its id is in the body). */
    private void deliver(String feed, String body, String id) {
        int roll = random.nextInt(100);
        if (roll < 5) {
            return; // dropped: only polling will find it
        }
        if (roll == 5) {
            post(feed, body, id, true); // signed with a key that is not the feed's: refused 401, polling finds it
        } else if (roll <= 10) {
            timer.schedule(() -> post(feed, body, id, false), 10, TimeUnit.SECONDS); // late
        } else {
            post(feed, body, id, false);
            if (roll <= 15) {
                post(feed, body, id, false); // the vendor sends it again
            }
        }
    }

    private void post(String feed, String body, String id, boolean badSignature) {
        long t = Instant.now().getEpochSecond();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + feed)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (id == null) {
            byte[] key = (badSignature ? "whsec_not_the_secret" : stripeSecret).getBytes(StandardCharsets.UTF_8);
            request.header("Stripe-Signature", "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(key, t + "." + body)));
        } else {
            byte[] key = badSignature ? "not the key".getBytes(StandardCharsets.UTF_8) : registrationKey;
            request.header("webhook-id", id).header("webhook-timestamp", String.valueOf(t)).header("webhook-signature",
                    "v1," + Base64.getEncoder().encodeToString(hmac(key, id + "." + t + "." + body)));
        }
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error != null) {
                LOG.debug("demo webhook to {} not delivered: {}", feed, error.toString());
            } else if (sent.incrementAndGet() % 500 == 0) {
                LOG.info("demo vendor: {} webhooks delivered so far (some dropped, late, repeated or badly signed on purpose)",
                        sent.get());
            }
        });
    }

    private static byte[] hmac(byte[] key, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
