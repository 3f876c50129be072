package dev.vendorpoller.demo;

import dev.vendorpoller.app.ServiceExtension;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Starts the demo vendor beside the service when {@code vendor-poller.demo.enabled} is true: the README's first
 * command ({@code java -jar target/vendor-poller-demo.jar}, which puts this jar and the service's on one class path).
 */
public final class DemoExtension implements ServiceExtension {
    static final String PREFIX = "vendor-poller.demo.";

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public List<String> keys() {
        return List.of("port", "token", "backlog", "invalid-every", "failure-rate", "live-per-second",
                "participants-per-second", "limits", "hidden-limits", "rate-limit-dialect", "stripe", "stripe-events-per-second",
                "webhooks", "webhook-secret", "stripe-webhook-secret");
    }

    @Override
    public AutoCloseable start(ConfigReader config) throws Exception {
        DemoVendor.Options d = DemoVendor.Options.defaults();
        var options = new DemoVendor.Options(
                config.positiveInt(PREFIX + "port", d.port(), 65535),
                config.string(PREFIX + "token", d.token()),
                config.positiveInt(PREFIX + "backlog", (int) d.backlog(), 100_000_000),
                config.positiveInt(PREFIX + "invalid-every", d.invalidEvery(), 1_000_000),
                failureRate(config, d.failureRate()),
                config.positiveInt(PREFIX + "live-per-second", (int) d.livePerSecond(), 1_000_000),
                0, false);
        DemoVendor vendor = new DemoVendor(options);
        // the demo's data lives beside the service's database, so both survive a restart together
        vendor.persistIn(Path.of(config.string("vendor-poller.data-dir", "data")));
        // its participants sink (POST /participants/add) takes one request at a time; optionally at most N a second
        vendor.participants().limits(ParticipantsDemo.oneAtATime(
                config.positiveInt(PREFIX + "participants-per-second", 0, 1_000_000)));
        String limits = config.string(PREFIX + "limits", "");
        String hidden = config.string(PREFIX + "hidden-limits", "");
        if (!limits.isEmpty() || !hidden.isEmpty()) {
            try {
                vendor.limits(VendorLimits.parse(limits, hidden, config.string(PREFIX + "rate-limit-dialect", "IETF"), "DELTA", 0));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(PREFIX + "limits", e.getMessage());
            }
        }
        int stripe = config.positiveInt(PREFIX + "stripe-events-per-second", 1, 1000);
        if (config.bool(PREFIX + "stripe", false)) {
            vendor.stripe(stripe);
        }
        vendor.start();
        if (config.bool(PREFIX + "webhooks", false)) {
            String url = "http://127.0.0.1:" + config.string("vendor-poller.webhooks.port", "9878") + "/webhooks/";
            String secret = config.required(PREFIX + "webhook-secret");
            if (!secret.startsWith("whsec_")) {
                throw new ConfigException(PREFIX + "webhook-secret", "must be a Standard Webhooks secret (whsec_ + base64)");
            }
            WebhookSender sender = new WebhookSender(vendor, url, secret, config.optional(PREFIX + "stripe-webhook-secret")
                    .orElse(null)).start();
            LoggerFactory.getLogger("vendor-poller.demo").info("demo vendor pushes webhooks to {}demo-registrations and {}"
                    + "demo-payments (some dropped, late, repeated or badly signed, on purpose)", url, url);
            return () -> {
                sender.close();
                vendor.close();
            };
        }
        LoggerFactory.getLogger("vendor-poller.demo").info(
                "demo vendor serving http://127.0.0.1:{}/registrations (backlog {}, {} new/s, 1 in {} invalid, {}% 503s)",
                vendor.port(), options.backlog(), options.livePerSecond(), options.invalidEvery(), options.failureRate() * 100);
        return vendor;
    }

    private static double failureRate(ConfigReader config, double defaultRate) {
        String key = PREFIX + "failure-rate";
        String raw = config.string(key, Double.toString(defaultRate));
        try {
            double rate = Double.parseDouble(raw);
            if (rate < 0 || rate > 1) {
                throw new NumberFormatException();
            }
            return rate;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "must be a share between 0 and 1 (e.g. 0.03) but was '" + raw + "'");
        }
    }
}
