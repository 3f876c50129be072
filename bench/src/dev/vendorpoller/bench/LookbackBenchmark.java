package dev.vendorpoller.bench;

import dev.vendorpoller.app.VendorPoller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.main.Main;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Issue 12's lookback workload, measured on what the vendor saw: a busy event ({@value #ATTENDEES} attendees,
 * {@value #PER_SECOND} changes a second, pages of 50) served live by {@link LiveAttendees} to two feeds of the real
 * service in-process, an {@code eventbrite-attendees} feed and an {@code http-json} continuation-since feed, each on its
 * own account with a 100 requests / 10 s budget, a 2 s schedule and the lookback settings as a new user gets them
 * (lookback 5m, overlap 1s, lookback-every = lookback). While the run is young, {@value #LATE_POOL} attendees of a
 * separate pool change once each and become visible only 10 s .. lookback - 15 s after their version time.
 *
 * <p>Bars, per feed: once caught up (after the warm-up) at most 15 % of the budget (mean of the 10 s windows), and
 * nothing missed: when the changes stop, every attendee's ledger row holds the newest version the vendor shows,
 * the late ones included. Run: {@code bench/lookback.sh} (about 14 minutes), or {@code bench/lookback.sh quick}
 * (lookback 30s, 3 minutes) to try it; {@code bench/lookback.sh before} measures the old design (every scan from mark −
 * lookback) on the same workload for 4 minutes.
 */
public final class LookbackBenchmark {
    static final int ATTENDEES = 1300;
    static final double PER_SECOND = 13;
    static final int LATE_POOL = 40;
    static final double BUDGET_PER_10S = 100;
    static final double BAR = 0.15;

    private LookbackBenchmark() {
    }

    record Plan(Duration lookback, Duration warmUp, Duration lateFrom, Duration lateUntil, Duration run) {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "full";
        boolean quick = mode.equals("quick");
        boolean before = mode.equals("before");
        Plan plan = quick
                ? new Plan(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(180))
                : before ? new Plan(Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(150), Duration.ofMinutes(4))
                : new Plan(Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(150), Duration.ofMinutes(13));
        if (before) {
            System.out.println("before: lookback-every = 0s, every scan asks from mark - lookback (the design before issue 12);"
                    + " a shorter run, for its budget share (its misses say nothing: the late attendees need longer)");
        }
        Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.toLevel(System.getProperty("bench.log", "WARN")));
        System.out.printf("lookback: %d attendees, %.0f changes/s, pages of %d, schedule 2s, budget 100/10s per feed's account,"
                + " lookback %s (overlap 1s, lookback-every = lookback); %d late attendees injected %s..%s after start; run %s,"
                + " measured after %s%n", ATTENDEES, PER_SECOND, LiveAttendees.PAGE_SIZE, plan.lookback(), LATE_POOL,
                plan.lateFrom(), plan.lateUntil(), plan.run(), plan.warmUp());
        try (LiveAttendees vendor = new LiveAttendees(ATTENDEES, LATE_POOL, PER_SECOND, plan.lookback())) {
            Main service = start(vendor.baseUrl(), quick ? plan.lookback() : null, before);
            try {
                long t0 = System.currentTimeMillis();
                sleepUntil(t0, plan.lateFrom());
                vendor.injectLate(true);
                sleepUntil(t0, plan.lateUntil());
                vendor.injectLate(false);
                sleepUntil(t0, plan.run());
                vendor.stopChanges();
                long stop = System.currentTimeMillis();
                Thread.sleep(8_000); // a few fast scans read the last changes
                List<LiveAttendees.Version> expected = vendor.visible(Instant.now());
                DataSource ds = service.getCamelContext().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
                boolean pass = true;
                for (String feed : List.of("eb", "cs")) {
                    pass &= report(feed, vendor, expected, ds, t0 + plan.warmUp().toMillis(), stop);
                }
                System.out.printf("overall: %s%n", pass ? "PASS" : "FAIL");
            } finally {
                service.stop();
            }
        }
        System.exit(0);
    }

    static boolean report(String feed, LiveAttendees vendor, List<LiveAttendees.Version> expected, DataSource ds, long from, long to)
            throws Exception {
        String dialect = feed.equals("eb") ? "eventbrite" : "continuation-since";
        List<LiveAttendees.Request> requests = vendor.log().stream().filter(r -> r.dialect().equals(dialect)).toList();
        List<LiveAttendees.Request> measured = requests.stream().filter(r -> r.atMillis() >= from && r.atMillis() < to).toList();
        long windows = Math.max(1, (to - from) / 10_000);
        Map<Long, Integer> perWindow = new HashMap<>();
        measured.forEach(r -> perWindow.merge((r.atMillis() - from) / 10_000, 1, Integer::sum));
        double mean = measured.size() / (double) windows / BUDGET_PER_10S;
        int max = perWindow.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        long deep = measured.stream().filter(LiveAttendees.Request::deep).count();

        Map<String, String[]> ledger = new HashMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT external_id, source_updated_at, metadata FROM ledger_registration WHERE source = ?")) {
            ps.setString(1, feed);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ledger.put(rs.getString(1), new String[] {rs.getObject(2, OffsetDateTime.class).toInstant().toString(), rs.getString(3)});
                }
            }
        }
        int missed = 0;
        int late = 0;
        int lateLedgered = 0;
        for (int id = 0; id < expected.size(); id++) {
            LiveAttendees.Version v = expected.get(id);
            String[] row = ledger.get(Integer.toString(id));
            boolean ok = row != null && (feed.equals("eb") ? row[1].contains("\"o-" + id + "-" + v.rev() + "\"")
                    : row[1].equals("{\"rev\":" + v.rev() + "}"));
            if (!ok) {
                missed++;
                if (missed <= 5) {
                    System.out.printf("  %s missed: id %d rev %d at %s (late %s); ledger: %s%n", feed, id, v.rev(), v.time(),
                            vendor.isLate(id), row == null ? "none" : row[0] + " " + row[1]);
                }
            }
            if (vendor.isLate(id) && v.rev() > 0) {
                late++;
                lateLedgered += ok ? 1 : 0;
            }
        }
        boolean budgetOk = mean <= BAR;
        System.out.printf("%-19s requests: %d in all, %d measured over %d s: mean %.1f per 10 s = %.1f %% of the budget"
                + " (bar <= %.0f %%: %s); busiest 10 s: %d; deep-scan pages: %d%n", dialect, requests.size(), measured.size(),
                (to - from) / 1000, mean * BUDGET_PER_10S, mean * 100, BAR * 100, budgetOk ? "PASS" : "FAIL", max, deep);
        System.out.printf("%-19s attendees whose newest version is not in the ledger: %d of %d (bar 0: %s); late ones"
                + " (visible 10 s .. lookback - 15 s after their version time) ledgered: %d of %d%n", dialect, missed, expected.size(),
                missed == 0 ? "PASS" : "FAIL", lateLedgered, late);
        return budgetOk && missed == 0;
    }

    static Main start(String baseUrl, Duration lookback, boolean everyScanDeep) throws Exception {
        Path data = Files.createTempDirectory("vendor-poller-lookback-bench");
        Map<String, String> props = BenchService.baseProperties(data);
        props.put("vendor-poller.feeds", "eb,cs");
        Map<String, String> eb = Map.of("type", "eventbrite-attendees", "event-id", "E1", "tiers", "1001:GENERAL_ADMISSION");
        Map<String, String> cs = new HashMap<>(Map.of("type", "http-json", "path", "/cs/attendees", "records", "/result/items",
                "cursor-style", "continuation-since", "since-param", "modified_since", "since-field", "/modified",
                "continuation", "/result/continuation", "continuation-param", "ct", "page-size-param", "limit"));
        cs.putAll(Map.of("field.id", "/uid", "field.email", "/email", "field.ticket-sku", "/sku", "field.payment-status", "/status",
                "field.created-at", "/created", "field.updated-at", "/modified", "field.metadata", "/meta", "tiers", "GA:GENERAL_ADMISSION"));
        for (Map.Entry<String, Map<String, String>> feed : Map.of("eb", eb, "cs", cs).entrySet()) {
            String f = "vendor-poller.feed." + feed.getKey() + ".";
            feed.getValue().forEach((k, v) -> props.put(f + k, v));
            props.put(f + "base-url", baseUrl);
            props.put(f + "token", "bench-token");
            props.put(f + "schedule.interval", "2s");
            props.put(f + "page-size", "50");
            if (lookback != null) {
                props.put(f + "lookback", lookback.toSeconds() + "s");
            }
            if (everyScanDeep) {
                props.put(f + "lookback-every", "0s");
            }
            props.put("vendor-poller.account." + feed.getKey() + ".limits", "100/10s");
        }
        Main main = VendorPoller.create(Path.of("config/application.properties"), props);
        main.start();
        return main;
    }

    private static void sleepUntil(long t0, Duration at) throws InterruptedException {
        long wait = t0 + at.toMillis() - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }
}
