package dev.vendorpoller.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vendorpoller.account.Account;
import dev.vendorpoller.account.AccountConfig;
import dev.vendorpoller.account.AccountConfigLoader;
import dev.vendorpoller.account.Accounts;
import dev.vendorpoller.account.Breakers;
import dev.vendorpoller.account.VendorCalls;
import dev.vendorpoller.auth.ApiKey;
import dev.vendorpoller.auth.BasicCredentials;
import dev.vendorpoller.auth.BearerToken;
import dev.vendorpoller.auth.Credentials;
import dev.vendorpoller.auth.OAuth2Credentials;
import dev.vendorpoller.auth.OAuth2Settings;
import dev.vendorpoller.auth.TokenStore;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.ServiceSettings;
import dev.vendorpoller.delivery.DeadLetters;
import dev.vendorpoller.delivery.Outbox;
import dev.vendorpoller.delivery.OutboxDrain;
import dev.vendorpoller.delivery.SinkMapping;
import dev.vendorpoller.demo.DemoVendor;
import dev.vendorpoller.demo.VendorLimits;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.poll.Feed;
import dev.vendorpoller.poll.Feeds;
import dev.vendorpoller.poll.PageCommitter;
import dev.vendorpoller.poll.PollSteps;
import dev.vendorpoller.ratelimit.FullJitterBackoff;
import dev.vendorpoller.ratelimit.Governor;
import dev.vendorpoller.record.payment.PaymentLedger;
import dev.vendorpoller.record.registration.RegistrationContract;
import dev.vendorpoller.record.registration.RegistrationLedger;
import dev.vendorpoller.source.PaymentEventAdapter;
import dev.vendorpoller.source.SourceTypes;
import dev.vendorpoller.store.BatchingJdbcMessageIdRepository;
import dev.vendorpoller.store.CursorStore;
import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.RejectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Builds every bean the routes call, in one place, from validated settings: bad configuration stops the start-up
 * here with the property named, before any route runs. Bean names are the ones routes/*.yaml refer to.
 */
public final class PollerConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        ConfigReader config = new ConfigReader(key -> context.getPropertiesComponent().resolveProperty(key));
        ServiceSettings settings = ServiceSettings.load(config);
        List<FeedConfig> feedConfigs = new FeedConfigLoader(config, SourceTypes.types()).load();
        Map<String, AccountConfig> accountConfigs = new AccountConfigLoader(config).loadFor(feedConfigs);
        Map<String, SinkMapping> sinkFields = SinkMapping.load(config, feedConfigs); // each feed's sink-fields, validated
        startDemoVendorIfEnabled(context, config);

        Database db = new Database(settings);
        context.addService(new Closer(db));
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        Accounts accounts = new Accounts(accountConfigs.values().stream().map(a -> account(a, db, config)).toList());
        for (Account account : accounts.all()) {
            context.getRegistry().bind(Account.breakerBean(account.name()), account.breaker());
            account.governor().stopWaitingWhen(() -> context.isStopping() || context.isStopped());
        }
        Feeds feeds = new Feeds(feedConfigs.stream().map(f -> new Feed(f, SourceTypes.create(f, config),
                new BatchingJdbcMessageIdRepository(db.jdbc(), db.tx(), f.name()), accounts.get(f.account()))).toList());
        for (Feed feed : feeds.all()) {
            context.addService(feed.idempotency());
            if (feed.adapter() instanceof PaymentEventAdapter payments && payments.appliesTo().isPresent()
                    && feedConfigs.stream().noneMatch(f -> f.name().equals(payments.appliesTo().get()))) {
                throw new ConfigException(FeedConfigLoader.prefix(feed.name()) + "applies-to", "names feed '"
                        + payments.appliesTo().get() + "', which is not in " + FeedConfigLoader.FEEDS);
            }
        }
        CursorStore cursors = new CursorStore(db.jdbc());
        Outbox outbox = new Outbox(db.jdbc(), settings.outboxRetryDelay(),
                Outbox.maxRetryDelay(config, settings.outboxRetryDelay()));
        DeadLetters deadLetters = new DeadLetters(db.jdbc(), db.tx(), outbox,
                feed -> feeds.get(feed).config().deadLetterUri());
        deadLetters.onPageFailure(feed -> feeds.get(feed).stats().pageFailed(java.time.Instant.now()));

        Registry registry = context.getRegistry();
        VendorCalls vendorCalls = new VendorCalls(accounts);
        vendorCalls.observeRequests((exchange, status, nanos) -> {
            String feed = exchange.getProperty(PollSteps.FEED, String.class);
            if (feed != null) {
                feeds.get(feed).stats().request(status, nanos);
            }
        });
        registry.bind("accounts", accounts);
        registry.bind("vendorCalls", vendorCalls);
        registry.bind("retryBackoff", new FullJitterBackoff(
                config.positiveInt("vendor-poller.retry.max-redeliveries", 4, 100),
                config.duration("vendor-poller.retry.base-delay", Duration.ofMillis(500)).toMillis(),
                config.duration("vendor-poller.retry.max-delay", Duration.ofSeconds(30)).toMillis()));
        registry.bind("dataSource", db.dataSource());
        registry.bind("database", db);
        registry.bind("feeds", feeds);
        registry.bind("json", json);
        registry.bind("cursorStore", cursors);
        registry.bind("outbox", outbox);
        registry.bind("deadLetters", deadLetters);
        registry.bind("pollSteps", new PollSteps(feeds, cursors, new RegistrationContract(Clock.systemUTC()), json));
        RejectStore rejects = new RejectStore(db.jdbc(), json);
        registry.bind("rejectStore", rejects);
        registry.bind("contractResults", new GroupedBodyAggregationStrategy());
        registry.bind("pageCommitter", new PageCommitter(feeds, db.tx(), cursors, new RegistrationLedger(db.jdbc()),
                rejects, outbox, json, new PaymentLedger(db.jdbc(), json)));
        registry.bind("outboxDrain", new OutboxDrain(outbox, deadLetters, (feed, kind) -> endpointFor(feeds, feed, kind, sinkFields),
                settings.outboxBatchSize(), settings.outboxMaxAttempts()));
        registry.bind("idempotencyRetention", new Retention(settings.idempotencyRetention()));
    }

    private static Account account(AccountConfig config, Database db, ConfigReader properties) {
        Credentials credentials = switch (config.auth()) {
            case AccountConfig.OAUTH2 -> new OAuth2Credentials(config.name(),
                    OAuth2Settings.load(properties, AccountConfig.prefix(config.name())), new TokenStore(db.jdbc()), Clock.systemUTC());
            case AccountConfig.API_KEY -> new ApiKey(config.apiKeyHeader().orElseThrow(), config.token().orElseThrow());
            case AccountConfig.BASIC -> new BasicCredentials(config.username().orElseThrow(), config.password().orElseThrow());
            default -> new BearerToken(config.token().orElseThrow());
        };
        return new Account(config, credentials, new Governor(config.name(), config.governor()),
                Breakers.create(config.name(), config.breaker()));
    }

    static Optional<OutboxDrain.Target> endpointFor(Feeds feeds, String feed, String kind, Map<String, SinkMapping> sinkFields) {
        FeedConfig config = feeds.get(feed).config();
        return switch (kind) {
            case Outbox.SINK -> config.sinkUri().map(uri -> new OutboxDrain.Target(uri, config.sinkAccount(),
                    sinkFields.getOrDefault(feed, SinkMapping.IDENTITY)));
            case Outbox.REJECT -> config.rejectUri().map(OutboxDrain.Target::direct);
            case Outbox.DEAD_LETTER -> config.deadLetterUri().map(OutboxDrain.Target::direct);
            default -> Optional.empty();
        };
    }

    private static void startDemoVendorIfEnabled(CamelContext context, ConfigReader config) throws Exception {
        if (!config.bool("vendor-poller.demo.enabled", false)) {
            return;
        }
        DemoVendor.Options d = DemoVendor.Options.defaults();
        var options = new DemoVendor.Options(
                config.positiveInt("vendor-poller.demo.port", d.port(), 65535),
                config.string("vendor-poller.demo.token", d.token()),
                config.positiveInt("vendor-poller.demo.backlog", (int) d.backlog(), 100_000_000),
                config.positiveInt("vendor-poller.demo.invalid-every", d.invalidEvery(), 1_000_000),
                Double.parseDouble(config.string("vendor-poller.demo.failure-rate", "" + d.failureRate())),
                config.positiveInt("vendor-poller.demo.live-per-second", (int) d.livePerSecond(), 1_000_000),
                0, false);
        DemoVendor vendor = new DemoVendor(options);
        // its participants sink (POST /participants/add) takes one request at a time; optionally at most N a second
        vendor.participants().limits(dev.vendorpoller.demo.ParticipantsDemo.oneAtATime(
                config.positiveInt("vendor-poller.demo.participants-per-second", 0, 1_000_000)));
        String limits = config.string("vendor-poller.demo.limits", "");
        String hidden = config.string("vendor-poller.demo.hidden-limits", "");
        if (!limits.isEmpty() || !hidden.isEmpty()) {
            try {
                vendor.limits(VendorLimits.parse(limits, hidden, config.string("vendor-poller.demo.rate-limit-dialect", "IETF"),
                        "DELTA", 0));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("vendor-poller.demo.limits", e.getMessage());
            }
        }
        int stripe = config.positiveInt("vendor-poller.demo.stripe-events-per-second", 1, 1000);
        if (config.bool("vendor-poller.demo.stripe", false)) {
            vendor.stripe(stripe);
        }
        vendor.start();
        context.addService(new Closer(vendor));
        org.slf4j.LoggerFactory.getLogger("vendor-poller.demo").info(
                "demo vendor serving http://127.0.0.1:{}/registrations (backlog {}, {} new/s, 1 in {} invalid, {}% 503s)",
                vendor.port(), options.backlog(), options.livePerSecond(), options.invalidEvery(), options.failureRate() * 100);
    }

    /** Cut-off for the idempotency prune route: keys older than the retention are deleted. */
    public static final class Retention {
        private final Duration retention;

        Retention(Duration retention) {
            this.retention = retention;
        }

        public java.sql.Timestamp cutoff() {
            return java.sql.Timestamp.from(Instant.now().minus(retention));
        }
    }

    /** Ties a resource's close to the Camel context's stop. */
    private static final class Closer extends ServiceSupport {
        private final AutoCloseable resource;

        Closer(AutoCloseable resource) {
            this.resource = resource;
        }

        @Override
        protected void doStop() throws Exception {
            resource.close();
        }
    }
}
