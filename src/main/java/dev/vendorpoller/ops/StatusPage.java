package dev.vendorpoller.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.vendorpoller.account.Account;
import dev.vendorpoller.account.Accounts;
import dev.vendorpoller.cluster.ClusterSettings;
import dev.vendorpoller.delivery.DeadLetter;
import dev.vendorpoller.delivery.DeadLetters;
import dev.vendorpoller.delivery.DeliveryStats;
import dev.vendorpoller.failure.Failures;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.ingest.Feeds;
import dev.vendorpoller.poll.FeedSchedules;
import dev.vendorpoller.ops.LoopbackHttp;
import dev.vendorpoller.webhook.Coverage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The status page: every feed at a glance (state, health, lag, records per minute, rejects, dead letters, outbox)
 * on 127.0.0.1. One static HTML file (src/main/resources/status/index.html, no build step) polls
 * {@code /status/feeds.json}; {@code /status/rejects.json} and {@code /status/dead-letters.json} list the latest.
 * Nothing secret is served: tokens are not part of any of it.
 */
public final class StatusPage implements AutoCloseable {
    static final int CHART_MINUTES = 30;
    private final HttpServer server;
    private final CamelContext context;
    private final Feeds feeds;
    private final Accounts accounts;
    private final FeedFacts facts;
    private final DeadLetters deadLetters;
    private final DeliveryStats delivery;
    private final ClusterSettings cluster;
    private final JdbcTemplate jdbc;
    /** What each path missed (issue 15); null: none wired. */
    private final Coverage coverage;
    private final ObjectMapper json = new ObjectMapper();
    private final byte[] html;

    public StatusPage(String host, int port, CamelContext context, Feeds feeds, Accounts accounts, FeedFacts facts,
            DeadLetters deadLetters, DeliveryStats delivery, ClusterSettings cluster, JdbcTemplate jdbc, Coverage coverage)
            throws IOException {
        this.coverage = coverage;
        this.context = context;
        this.feeds = feeds;
        this.accounts = accounts;
        this.facts = facts;
        this.deadLetters = deadLetters;
        this.delivery = delivery;
        this.cluster = cluster;
        this.jdbc = jdbc;
        try (InputStream in = StatusPage.class.getResourceAsStream("/status/index.html")) {
            this.html = in.readAllBytes();
        }
        this.server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/status", this::handle);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "status-page");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** Serves {@code path} on the same loopback server (the HTTP operations). */
    void serve(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            String path = http.getRequestURI().getPath();
            Map<String, String> query = LoopbackHttp.query(http.getRequestURI().getRawQuery());
            switch (path) {
                case "/status", "/status/" -> LoopbackHttp.send(http, 200, "text/html; charset=utf-8", html);
                case "/status/feeds.json" -> sendJson(http, feedsJson());
                case "/status/accounts.json" -> sendJson(http, accountsJson());
                case "/status/rejects.json" -> sendJson(http, rejectsJson(query.get("feed")));
                case "/status/dead-letters.json" -> sendJson(http, deadLettersJson(query.get("feed")));
                default -> LoopbackHttp.send(http, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            }
        } catch (RuntimeException e) {
            LoopbackHttp.send(http, 500, "text/plain", "status unavailable".getBytes(StandardCharsets.UTF_8));
        }
    }

    ArrayNode feedsJson() {
        ArrayNode out = json.createArrayNode();
        Instant now = Instant.now();
        Map<String, HealthCheck.Result> health = new HashMap<>();
        HealthCheckHelper.invokeReadiness(context).forEach(r -> health.put(r.getCheck().getId(), r));
        // on a cluster, the node Quartz has running each feed's poll now (from Quartz's own table)
        Map<String, String> runningOn = cluster.clustered() ? facts.runningOn() : Map.of();
        Set<String> paused = cluster.clustered() ? facts.pausedInTheCluster() : Set.of();
        Map<String, List<DeliveryStats.LaneFigures>> lanes = delivery.lanes().stream()
                .collect(Collectors.groupingBy(l -> l.lane().feed()));
        for (Feed feed : feeds.all()) {
            ObjectNode f = out.addObject();
            f.put("name", feed.name()).put("type", feed.config().type()).put("node", cluster.nodeId())
                    .put("running_on", runningOn.get(feed.name()));
            ServiceStatus status = context.getRouteController().getRouteStatus(feed.config().routeId());
            f.put("state", status == null ? "Unknown" : status == ServiceStatus.Suspended || paused.contains(feed.name())
                    ? "Paused" : status.name());
            HealthCheck.Result result = health.get("feed-" + feed.name());
            f.put("health", result == null ? "UNKNOWN" : result.getState().name());
            f.put("health_message", result == null ? "" : result.getMessage().orElse(""));
            lag(f, feed);
            schedule(f, feed);
            f.put("last_successful_poll", Times.iso(feed.stats().lastCommit()));
            f.put("cursor", Cursor.shorten(facts.cursor(feed.name()).orElse(null)));
            facts.lastError(feed.name()).ifPresentOrElse(e -> f.putObject("last_error").put("kind", e.kind())
                    .put("message", Failures.excerpt(e.message())).put("http_status", e.status()).put("at", Times.iso(e.at())),
                    () -> f.putNull("last_error"));
            // new versions per minute (what the ledger gained), not records read: re-reads and duplicates count nothing
            ArrayNode chart = f.putArray("new_versions_per_minute");
            for (long n : feed.stats().ledgeredPerMinute(now, CHART_MINUTES)) {
                chart.add(n);
            }
            f.put("records_in", feed.stats().records()).put("ledgered", facts.ledgerTotal(feed.name()))
                    .put("rejects_stored", facts.storedRejects(feed.name()))
                    .put("dead_letters", facts.openDeadLetters(feed.name()))
                    .put("outbox_depth", facts.outboxDepth(feed.name()));
            // feeds with a webhook: e.g. "87 % announced (12 missed)"; null for the others
            f.put("webhook_coverage", coverage == null ? null : coverage.words(feed.name()).orElse(null));
            long budget = feed.account().governor().budgetRemaining();
            f.put("account", feed.account().name());
            if (budget >= 0) {
                f.put("budget_remaining", budget);
            } else {
                f.putNull("budget_remaining"); // neither stated by the vendor nor configured: shown as n/a, never invented
            }
            f.put("breaker", feed.account().breaker().getState().name());
            ArrayNode feedLanes = f.putArray("lanes"); // each of the feed's delivery lanes (sink, rejects, dead letters)
            for (DeliveryStats.LaneFigures lane : lanes.getOrDefault(feed.name(), List.of())) {
                ObjectNode l = feedLanes.addObject().put("name", lane.lane().name()).put("kind", lane.lane().kind().name())
                        .put("depth", lane.depth()).put("accepted", lane.accepted()).put("failed", lane.failed())
                        .put("per_minute", Math.round(lane.acceptedPerSecond() * 60))
                        .put("dead_letters", "/status/dead-letters.json?feed=" + feed.name());
                // the lane's lag: how long its oldest waiting message has waited (none waiting: no lag)
                if (lane.oldestPending() == null) {
                    l.putNull("oldest_age");
                } else {
                    l.put("oldest_age", Times.words(lane.oldestPending()));
                }
            }
        }
        return out;
    }

    /**
     * Lag in words, only where the feed sets max-lag: the newest version's age means nothing for a vendor whose
     * records are old by nature (the demo's start in 2026-01), and health already says UP or DOWN against max-lag.
     */
    private void lag(ObjectNode f, Feed feed) {
        Optional<Duration> max = feed.config().maxLag();
        Optional<Duration> lag = max.isPresent() ? facts.lag(feed.name()) : Optional.empty();
        if (max.isEmpty() || lag.isEmpty()) {
            f.putNull("lag");
            return;
        }
        boolean behind = lag.get().compareTo(max.get()) > 0;
        f.putObject("lag").put("seconds", lag.get().toSeconds()).put("max_seconds", max.get().toSeconds())
                .put("words", (behind ? "behind by " : "within, ") + Times.words(lag.get()) + " (max-lag " + Times.words(max.get()) + ")")
                .put("behind", behind);
    }

    /** How late the feed's next run is, its period, and its runs that yielded or were missed (issue 14). */
    private void schedule(ObjectNode f, Feed feed) {
        FeedSchedules schedules = context.getRegistry().lookupByNameAndType("feedSchedules", FeedSchedules.class);
        FeedSchedules.Lateness late = schedules == null ? null : schedules.lateness().get(feed.name());
        if (late == null) {
            f.putNull("schedule");
            return;
        }
        f.putObject("schedule").put("late_seconds", late.late().toSeconds()).put("behind", late.behind())
                .put("words", (late.behind() ? "late by " : "on time, ") + Times.words(late.late()) + " (every "
                        + Times.words(late.period()) + ")")
                .put("yielded_runs", schedules.yieldedRuns(feed.name())).put("missed_runs", schedules.missedRuns(feed.name()));
    }

    /** Every vendor account, those only sinks use included: budget, breaker, 429s, learned limit, who uses it. */
    ArrayNode accountsJson() {
        ArrayNode out = json.createArrayNode();
        for (Account account : accounts.all()) {
            ObjectNode a = out.addObject().put("name", account.name());
            ArrayNode users = a.putArray("feeds");
            feeds.all().stream().filter(f -> f.account() == account).forEach(f -> users.add(f.name()));
            a.put("sink_only", users.isEmpty());
            long budget = account.governor().budgetRemaining();
            if (budget >= 0) {
                a.put("budget_remaining", budget);
            } else {
                a.putNull("budget_remaining");
            }
            a.put("breaker", account.breaker().getState().name()).put("requests", account.governor().requests())
                    .put("rate_limited", account.governor().rateLimited()).put("in_flight", account.governor().inFlight());
            double learned = account.governor().learnedRate();
            if (Double.isFinite(learned)) {
                a.put("learned_rate_limit", Math.round(learned * 10) / 10.0);
            } else {
                a.putNull("learned_rate_limit");
            }
        }
        return out;
    }

    private ArrayNode rejectsJson(String feed) {
        ArrayNode out = json.createArrayNode();
        jdbc.query("SELECT reconciliation_key, external_id, errors, raw_payload, rejected_at FROM rejected_record"
                + " WHERE feed = ? ORDER BY rejected_at DESC FETCH FIRST 20 ROWS ONLY", rs -> {
                    ObjectNode r = out.addObject().put("reconciliation_key", rs.getString(1)).put("external_id", rs.getString(2))
                            .put("rejected_at", Times.iso(rs.getObject(5, OffsetDateTime.class).toInstant()));
                    r.set("errors", parse(rs.getString(3)));
                    r.set("raw", parse(rs.getString(4)));
                }, feed);
        return out;
    }

    private ArrayNode deadLettersJson(String feed) {
        ArrayNode out = json.createArrayNode();
        for (DeadLetter d : deadLetters.latest(feed, 20)) {
            out.addObject().put("id", d.id()).put("kind", d.kind().name()).put("page_cursor", d.pageCursor())
                    .put("error_type", d.errorType()).put("error_message", d.errorMessage()).put("attempts", d.attempts())
                    .put("created_at", Times.iso(d.createdAt())).put("replayed", d.replayedAt() != null);
        }
        return out;
    }

    private JsonNode parse(String stored) {
        try {
            return json.readTree(stored);
        } catch (IOException e) {
            return json.getNodeFactory().textNode(stored); // raw payloads are stored as the vendor sent them
        }
    }

    private void sendJson(HttpExchange http, Object body) throws IOException {
        LoopbackHttp.send(http, 200, "application/json", json.writeValueAsBytes(body));
    }



    @Override
    public void close() {
        server.stop(0);
    }
}
