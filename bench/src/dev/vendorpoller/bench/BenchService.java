package dev.vendorpoller.bench;

import dev.vendorpoller.account.Account;
import dev.vendorpoller.app.Service;
import dev.vendorpoller.app.VendorPoller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.main.Main;

/**
 * The real service in-process (same Main, routes and config/application.properties as {@code java -jar}), set up the
 * way the tests' PollerHarness does it: demo off, its own temp data dir and H2 file database, management, status page
 * and JMX off, and one registration-api feed, {@value #FEED}, on its own account of the same name.
 */
final class BenchService implements AutoCloseable {
    static final String FEED = "bench";
    static final String TOKEN = "bench-token";
    private static final String TIERS = "GA-2026:GENERAL_ADMISSION,VIP-2026:VIP,STU-2026:STUDENT,SPK-2026:SPEAKER,EXPO-2026:EXHIBITOR";

    private final Main main;

    private BenchService(Main main) {
        this.main = main;
    }

    /**
     * @param feed    keys under {@code vendor-poller.feed.bench.} (page-size, schedule.interval, ...)
     * @param account keys under {@code vendor-poller.account.bench.} (reserve, breaker.open-for, ...)
     */
    /** A benchmark service's own H2 file under {@code data}, without the demo, JMX, management or status page. */
    static Map<String, String> baseProperties(Path data) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("vendor-poller.demo.enabled", "false");
        props.put("vendor-poller.data-dir", data.toString());
        props.put("vendor-poller.db.url", "jdbc:h2:file:" + data.resolve("db") + ";WRITE_DELAY=0");
        props.put("vendor-poller.db.user", "sa");
        props.put("camel.main.jmx-enabled", "false");
        props.put("camel.management.enabled", "false");
        props.put("vendor-poller.status.port", "0");
        return props;
    }

    static BenchService start(String baseUrl, Map<String, String> feed, Map<String, String> account) throws Exception {
        Path data = Files.createTempDirectory("vendor-poller-governor-bench");
        Map<String, String> props = baseProperties(data);
        props.put("vendor-poller.feeds", FEED);
        String f = "vendor-poller.feed." + FEED + ".";
        props.put(f + "type", "registration-api");
        props.put(f + "base-url", baseUrl);
        props.put(f + "token", TOKEN);
        props.put(f + "tiers", TIERS);
        feed.forEach((k, v) -> props.put(f + k, v));
        account.forEach((k, v) -> props.put("vendor-poller.account." + FEED + "." + k, v));
        Main main = VendorPoller.create(Path.of("config/application.properties"), props);
        main.start();
        return new BenchService(main);
    }

    Account account() {
        return Service.of(main.getCamelContext()).accounts().get(FEED);
    }

    /** The committed cursor as a demo-vendor log position: how many records are ledgered or rejected (0: none yet). */
    long committedPosition() throws Exception {
        DataSource ds = main.getCamelContext().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT cursor_value FROM feed_cursor WHERE feed = '" + FEED + "'")) {
            if (!rs.next()) {
                return 0;
            }
            String decoded = new String(Base64.getUrlDecoder().decode(rs.getString(1)));
            return Long.parseLong(decoded.substring(4)); // the demo vendor's cursor is "pos:<n>"
        }
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
