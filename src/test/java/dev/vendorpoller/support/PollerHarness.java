package dev.vendorpoller.support;

import dev.vendorpoller.app.VendorPoller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.Main;

/**
 * The real service in-process (the same routes/*.yaml, config/application.properties and PollerConfiguration as
 * java -jar) on its own H2 file database, with properties the test sets before it starts the service. The context is
 * built by Camel's test kit ({@link ServiceTest}, on camel-test-main-junit5); stop and start again for a real restart.
 */
public final class PollerHarness implements AutoCloseable {
    /** Builds and starts a context from the test's properties: {@link ServiceTest} through CamelMainTestSupport. */
    @FunctionalInterface
    public interface Starter {
        CamelContext start(Map<String, String> properties, List<Consumer<CamelContext>> beforeStart) throws Exception;
    }

    private final Starter starter;
    private final Path dataDir;
    private final Map<String, String> props = new LinkedHashMap<>();
    private final List<Consumer<CamelContext>> beforeStart = new ArrayList<>();
    private String dbUrl;
    private String dbUser = "sa";
    private CamelContext context;

    /**
     * A harness outside JUnit Jupiter (jqwik's engine, where Camel's test kit does not apply): the service runs on the
     * Camel Main that {@code java -jar} builds ({@link VendorPoller#create}). Jupiter tests use {@link ServiceTest}.
     */
    public static PollerHarness onCamelMain() throws Exception {
        return new PollerHarness((properties, beforeStart) -> {
            Main main = VendorPoller.create(Path.of("config/application.properties"), properties);
            main.start();
            return main.getCamelContext();
        });
    }

    PollerHarness(Starter starter) throws Exception {
        this.starter = starter;
        this.dataDir = Files.createTempDirectory("vendor-poller-test");
        this.dbUrl = "jdbc:h2:file:" + dataDir.resolve("db") + ";WRITE_DELAY=0";
        props.put("vendor-poller.demo.enabled", "false");
        props.put("vendor-poller.data-dir", dataDir.toString());
        props.put("vendor-poller.db.url", jdbcUrl());
        props.put("vendor-poller.retry.max-redeliveries", "3");
        props.put("vendor-poller.retry.base-delay", "20ms");
        props.put("vendor-poller.retry.max-delay", "100ms");
        props.put("vendor-poller.outbox.poll-interval-ms", "100");
        props.put("vendor-poller.outbox.retry-delay", "50ms");
        props.put("camel.component.http.response-timeout", "1000");
        props.put("camel.component.http.so-timeout", "1000");
        props.put("camel.main.jmx-enabled", "false");
        props.put("camel.management.enabled", "false"); // tests that need it choose their own port
        props.put("vendor-poller.status.port", "0");
        props.put("vendor-poller.feeds", "");
        // OAuth2 tokens are stored encrypted with this key (a service with an OAuth2 account needs one to start)
        props.put("vendor-poller.token-key", TOKEN_KEY);
    }

    /** The token key every harness starts with: 32 bytes of 7, base64. */
    public static final String TOKEN_KEY = Base64.getEncoder().encodeToString(new byte[] {
            7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7});

    /** Removes a property the harness set by default (e.g. the token key, to see the service refuse to start). */
    public PollerHarness unset(String key) {
        props.remove(key);
        return this;
    }

    public String jdbcUrl() {
        return dbUrl;
    }

    /** Runs the service on another database (e.g. PostgreSQL) instead of the embedded H2 file. */
    public PollerHarness database(String url, String user) {
        this.dbUrl = url;
        this.dbUser = user;
        props.put("vendor-poller.db.url", url);
        props.put("vendor-poller.db.user", user);
        return this;
    }

    /**
     * Adds a registration-api feed polling {@code baseUrl} every 200 ms with its own token; extra keys are relative to
     * the feed ({@code "account", "acme"} makes it use a shared account instead).
     */
    public PollerHarness feed(String name, String baseUrl, String... extra) {
        String p = "vendor-poller.feed." + name + ".";
        String feeds = props.get("vendor-poller.feeds");
        if (!java.util.List.of(feeds.split(",")).contains(name)) { // declaring it again only changes its settings
            props.put("vendor-poller.feeds", feeds.isEmpty() ? name : feeds + "," + name);
        }
        props.put(p + "type", "registration-api");
        props.put(p + "base-url", baseUrl);
        props.put(p + "token", "test-token-" + name);
        props.put(p + "schedule.interval", "200ms");
        props.put(p + "page-size", "2");
        props.put(p + "tiers", "GA-2026:GENERAL_ADMISSION,VIP-2026:VIP");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            props.put(p + extra[i], extra[i + 1]);
        }
        if (props.containsKey(p + "account")) {
            props.remove(p + "token"); // credentials then belong to the shared account
        }
        return this;
    }

    /** Sets {@code vendor-poller.account.<account>.<key>} for each key/value pair. */
    public PollerHarness account(String account, String... keyValues) {
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            props.put("vendor-poller.account." + account + "." + keyValues[i], keyValues[i + 1]);
        }
        return this;
    }

    public PollerHarness set(String key, String value) {
        props.put(key, value);
        return this;
    }

    /**
     * Runs {@code step} on each new context after its routes are built and before it starts: where a test advises a
     * route ({@code AdviceWith}) or looks up a mock endpoint.
     */
    public PollerHarness beforeStart(Consumer<CamelContext> step) {
        beforeStart.add(step);
        return this;
    }

    public PollerHarness start() throws Exception {
        context = starter.start(new HashMap<>(props), List.copyOf(beforeStart));
        return this;
    }

    public void stop() throws Exception {
        if (context != null) {
            context.stop();
            context = null;
        }
    }

    public PollerHarness restart() throws Exception {
        stop();
        return start();
    }

    public CamelContext context() {
        return context;
    }

    /**
     * Camel's NotifyBuilder for the next {@code runs} completed runs of the feed's poll route (each run pages until
     * the vendor has no more): create it before the runs are expected, then {@link #await(NotifyBuilder, Duration)}.
     */
    public NotifyBuilder runsOf(String feed, int runs) {
        // a run's exchange, not the copies its split makes of each record (those complete too, with a split index)
        return new NotifyBuilder(context).fromRoute("poll-" + feed)
                .filter(exchange -> exchange.getProperty(ExchangePropertyKey.SPLIT_INDEX) == null)
                .whenCompleted(runs).create();
    }

    public static void await(NotifyBuilder notify, Duration timeout) {
        if (!notify.matches(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("timed out after " + timeout + " waiting for " + notify);
        }
    }

    /** A plain JDBC query against the service's database (H2 serves it to this JVM while the service runs). */
    public List<Map<String, Object>> query(String sql, Object... args) {
        try (Connection c = DriverManager.getConnection(dbUrl, dbUser, "")) {
            var ps = c.prepareStatement(sql);
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one write statement on the service's database (to set up a state an older version would have left). */
    public int update(String sql, Object... args) {
        try (Connection c = DriverManager.getConnection(dbUrl, dbUser, ""); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The feed's stored cursor (null: none yet). */
    public String storedCursor(String feed) {
        List<Map<String, Object>> rows = query("SELECT cursor_value FROM feed_cursor WHERE feed = ?", feed);
        return rows.isEmpty() ? null : (String) rows.get(0).get("cursor_value");
    }

    public long count(String sql, Object... args) {
        return ((Number) query(sql, args).get(0).values().iterator().next()).longValue();
    }

    /** A TCP port free on 127.0.0.1 right now (for a server the test starts next). */
    public static int freeLoopbackPort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
