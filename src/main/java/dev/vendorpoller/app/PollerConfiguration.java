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
import dev.vendorpoller.auth.TokenCipher;
import dev.vendorpoller.auth.TokenStore;
import dev.vendorpoller.cluster.ClusterSettings;
import dev.vendorpoller.cluster.Leases;
import dev.vendorpoller.cluster.QuartzCluster;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.delivery.DeadLetters;
import dev.vendorpoller.delivery.DeliverySettings;
import dev.vendorpoller.delivery.Destinations;
import dev.vendorpoller.delivery.Outbox;
import dev.vendorpoller.delivery.OutboxDrain;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.ingest.Feeds;
import dev.vendorpoller.ingest.Ingest;
import dev.vendorpoller.ops.Operations;
import dev.vendorpoller.ops.RetryLog;
import dev.vendorpoller.poll.CatchUpTriggers;
import dev.vendorpoller.poll.FeedSchedules;
import dev.vendorpoller.poll.PollRun;
import dev.vendorpoller.poll.PollSettings;
import dev.vendorpoller.poll.PollSteps;
import dev.vendorpoller.ratelimit.FullJitterBackoff;
import dev.vendorpoller.ratelimit.Governor;
import dev.vendorpoller.ratelimit.PostgresBudget;
import dev.vendorpoller.ratelimit.SharedBudget;
import dev.vendorpoller.record.Contracts;
import dev.vendorpoller.record.FeedRecords;
import dev.vendorpoller.record.RecordKind;
import dev.vendorpoller.record.payment.PaymentEventKind;
import dev.vendorpoller.record.registration.RegistrationKind;
import dev.vendorpoller.source.SourceAdapter;
import dev.vendorpoller.source.SourceTypes;
import dev.vendorpoller.source.eventbrite.EventbriteAttendeesAdapter;
import dev.vendorpoller.store.BatchingJdbcMessageIdRepository;
import dev.vendorpoller.store.CursorStore;
import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.IdempotencyPrune;
import dev.vendorpoller.store.NamedLocks;
import dev.vendorpoller.store.RejectStore;
import dev.vendorpoller.store.Retention;
import dev.vendorpoller.store.StoreSettings;
import dev.vendorpoller.webhook.Coverage;
import dev.vendorpoller.webhook.Inbox;
import dev.vendorpoller.webhook.InboxDrain;
import dev.vendorpoller.webhook.InboxSettings;
import dev.vendorpoller.webhook.WebhookReceiver;
import dev.vendorpoller.webhook.WebhookServer;
import dev.vendorpoller.webhook.WebhookSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds every bean the routes call, in one place, from validated settings: bad configuration stops the start-up
 * here with the property named, before any route runs. Bean names are the ones routes/*.yaml refer to; the listeners
 * that run once the routes are loaded get what they need as one {@link Service}.
 */
public final class PollerConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(PollerConfiguration.class);
    static final String DEMO = "vendor-poller.demo.";

    @Override
    public void configure(CamelContext context) throws Exception {
        ConfigReader config = new ConfigReader(key -> context.getPropertiesComponent().resolveProperty(key));
        // first: a typo in any key (a required one included) is named as such, with the key it probably meant
        Set<String> present = presentKeys(context);
        ConfigKeys.check(config, present, ServiceLoader.load(ServiceExtension.class));
        ConfigKeys.logSummary(config, present);
        StoreSettings storeSettings = StoreSettings.load(config);
        DeliverySettings deliverySettings = DeliverySettings.load(config);
        List<FeedConfig> feedConfigs = new FeedConfigLoader(config, SourceTypes.types()).load();
        Destinations destinations = Destinations.load(config, feedConfigs.stream().map(FeedConfig::name).toList());
        Map<String, AccountConfig> accountConfigs = new AccountConfigLoader(config).loadFor(feedConfigs, destinations.accounts());
        WebhookSettings webhooks = WebhookSettings.load(config, feedConfigs);
        // an OAuth2 account's tokens are stored encrypted: no key, no start (before anything is opened)
        TokenCipher tokenCipher = accountConfigs.values().stream().filter(a -> a.auth() == AccountConfig.Auth.OAUTH2)
                .findFirst().map(a -> TokenCipher.load(config, a.name())).orElse(null);
        startExtensions(context, config);

        ClusterSettings cluster = ClusterSettings.load(config, storeSettings);
        Database db = new Database(storeSettings);
        context.addService(new Closer(db));
        PollSettings pollSettings = PollSettings.load(config, feedConfigs.size());
        if (!cluster.clustered()) {
            QuartzCluster.standalone(context.getComponent("quartz", QuartzComponent.class), pollSettings.threads());
        } else {
            QuartzCluster.join(context.getComponent("quartz", QuartzComponent.class), db.dataSource(), cluster,
                    pollSettings.threads());
            LOG.info("node {} joins the cluster on {}: feeds are scheduled through the database, one node per run",
                    cluster.nodeId(), storeSettings.dbUrl().replaceAll("[?;].*", ""));
            labelMetricsWithNode(context, cluster.nodeId());
        }
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        Contracts contracts = new Contracts(Clock.systemUTC());
        // The record kinds this build knows: a new kind is one folder under record/ and one entry here.
        List<RecordKind<?>> kinds = List.of(new RegistrationKind(db.jdbc(), contracts), new PaymentEventKind(db.jdbc(), json, contracts));
        // on a cluster every account's budget and breaker state are shared through the database (docs/cluster.md)
        SharedBudget sharedBudget = cluster.clustered() ? new PostgresBudget(db.dataSource(), cluster.nodeId()) : null;
        Accounts accounts = new Accounts(accountConfigs.values().stream()
                .map(a -> account(a, db, config, tokenCipher, sharedBudget)).toList());
        for (Account account : accounts.all()) {
            context.getRegistry().bind(Account.breakerBean(account.name()), account.breaker());
            account.governor().stopWaitingWhen(() -> context.isStopping() || context.isStopped());
        }
        Feeds feeds = new Feeds(feedConfigs.stream().map(f -> {
            SourceAdapter<?> source = SourceTypes.create(f, config);
            BatchingJdbcMessageIdRepository idempotency = new BatchingJdbcMessageIdRepository(db.jdbc(), db.tx(), f.name(), db.postgres());
            return new Feed(f, source, bind(kinds, f, config, source), idempotency, accounts.get(f.account()));
        }).toList());
        for (Feed feed : feeds.all()) {
            context.addService(feed.idempotency());
        }
        CursorStore cursors = new CursorStore(db.jdbc());
        RejectStore rejects = new RejectStore(db.jdbc());
        Outbox outbox = new Outbox(db.jdbc(), db.tx(), deliverySettings.retryDelay(), deliverySettings.maxRetryDelay());
        DeadLetters deadLetters = new DeadLetters(db.jdbc(), db.tx(), outbox, destinations);
        deadLetters.onPageFailure(feed -> feeds.get(feed).stats().pageFailed(Instant.now()));
        NamedLocks locks = new NamedLocks(db);
        Ingest ingest = new Ingest(feeds, db.tx(), locks, cursors, rejects, outbox, destinations, json);

        VendorCalls vendorCalls = new VendorCalls(accounts);
        vendorCalls.observeRequests((exchange, status, nanos) -> {
            String feed = PollRun.of(exchange).feed();
            if (feed != null) {
                feeds.get(feed).stats().request(status, nanos);
            }
        });
        Registry registry = context.getRegistry();
        registry.bind("vendorCalls", vendorCalls);
        registry.bind("retryBackoff", new FullJitterBackoff(
                config.positiveInt("vendor-poller.retry.max-redeliveries", 4, 100),
                config.duration("vendor-poller.retry.base-delay", Duration.ofMillis(500)).toMillis(),
                config.duration("vendor-poller.retry.max-delay", Duration.ofSeconds(30)).toMillis()));
        registry.bind("dataSource", db.dataSource());
        registry.bind("feeds", feeds);
        registry.bind("ingest", ingest); // the one path into the ledger: poll steps, webhooks, operators
        FeedSchedules schedules = new FeedSchedules(feedConfigs, () -> quartzScheduler(context), Clock.systemUTC());
        registry.bind("feedSchedules", schedules);
        registry.bind("catchUpTriggers", new CatchUpTriggers(schedules));
        registry.bind("pollSteps", new PollSteps(feeds, cursors, ingest, deadLetters, json, pollSettings, schedules));
        registry.bind("contractResults", new GroupedBodyAggregationStrategy());
        registry.bind("retryLog", new RetryLog());
        Leases leases = Leases.of(cluster, db.jdbc());
        context.addService(new Closer(leases)); // stopped before the database: a graceful stop gives the lanes back
        OutboxDrain drain = new OutboxDrain(outbox, deadLetters, destinations, deliverySettings, leases);
        registry.bind("outboxDrain", drain);
        registry.bind("deliveryStats", drain.stats()); // per lane depth, oldest age, rate, failures (status page, metrics)
        registry.bind("idempotencyPrune", new IdempotencyPrune(db.jdbc(), db.tx(), new Retention(storeSettings.idempotencyRetention()),
                config.positiveInt("vendor-poller.idempotency.prune-batch", 1_000, 1_000_000)));
        Coverage coverage = coverage(config, feedConfigs, db, leases, locks);
        ingest.onPolledVersions(coverage.polled());
        registry.bind("webhookCoverage", coverage);
        registry.bind("webhookDrain", new InboxDrain(feeds, ingest, deadLetters, coverage, db.jdbc(), db.tx(), leases,
                InboxSettings.load(config), json, Clock.systemUTC(), eventIds(config, feedConfigs)));
        registry.bind("vendorPollerService", new Service(feeds, accounts, deadLetters,
                new Operations(feeds, accounts, db, cursors, deadLetters, rejects, ingest, drain.stats(), cluster)
                        .webhookCoverage(coverage)));
        // what runs once routes/*.yaml are loaded, however the context is built (Main, Camel JBang, the test kit)
        context.addLifecycleStrategy(new FeedRouteInstaller(config.bool("camel.main.routes-reload-enabled",
                config.bool("camel.main.routesReloadEnabled", false))));
        context.addLifecycleStrategy(new OutboxLaneInstaller());
        context.addStartupListener(new OperationsInstaller());
        if (webhooks.enabled()) { // the business HTTP server and route "webhooks" only when a feed receives webhooks
            Inbox inbox = new Inbox(db.jdbc(), db.tx(), db.postgres(), Clock.systemUTC());
            WebhookReceiver receiver = new WebhookReceiver(webhooks, inbox, Clock.systemUTC());
            context.addService(new Closer(inbox)); // stopped before the database
            registry.bind("webhookInbox", inbox);
            registry.bind("webhookReceiver", receiver);
            WebhookServer.install(context, webhooks, receiver);
            context.addLifecycleStrategy(new WebhookRouteInstaller());
        }
    }

    /** The scheduler camel-quartz runs the feeds on, once it has created it (null before). */
    private static org.quartz.Scheduler quartzScheduler(CamelContext context) {
        try {
            return context.getComponent("quartz", QuartzComponent.class).getScheduler();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What each path missed, for the feeds that have a webhook (a {@code webhook.style}), each with its grace. */
    private static Coverage coverage(ConfigReader config, List<FeedConfig> feeds, Database db, Leases leases,
            NamedLocks locks) {
        Map<String, Duration> graces = new LinkedHashMap<>();
        for (FeedConfig feed : feeds) {
            if (config.optional(FeedConfigLoader.prefix(feed.name()) + InboxSettings.STYLE).isPresent()) {
                graces.put(feed.name(), InboxSettings.grace(config, feed.name()));
            }
        }
        return new Coverage(db.jdbc(), db.tx(), leases, locks, graces, Clock.systemUTC());
    }

    /** Each Eventbrite feed's event-id (the inbox drain keeps a fetched attendee of another event out of the feed). */
    private static Map<String, String> eventIds(ConfigReader config, List<FeedConfig> feeds) {
        Map<String, String> ids = new LinkedHashMap<>();
        for (FeedConfig feed : feeds) {
            if (EventbriteAttendeesAdapter.TYPE.equals(feed.type())) {
                config.optional(FeedConfigLoader.prefix(feed.name()) + "event-id").ifPresent(id -> ids.put(feed.name(), id));
            }
        }
        return ids;
    }

    /** The vendor-poller.* keys set in the properties files, as overrides (tests, -D through Camel Main) or -D. */
    private static Set<String> presentKeys(CamelContext context) {
        Set<String> keys = new TreeSet<>();
        PropertiesComponent properties = context.getPropertiesComponent();
        // loadProperties: the initial properties, the files and the overrides
        Stream.of(properties.loadProperties(), System.getProperties()).forEach(p -> p.stringPropertyNames().stream()
                .filter(k -> k.startsWith(ConfigKeys.SCOPE)).forEach(keys::add));
        return keys;
    }

    /** The feed's records: the kind whose raw type its source fills, bound to the feed's settings and the source. */
    /**
     * In a cluster the service's metrics carry {@code node="<node-id>"} (vendor_poller_* and Camel's route series), so
     * one Prometheus query tells the nodes apart (a feed's counters on the node that ran it, each node's lanes). Camel
     * Main has already made its registry when this runs, with the JVM binders, which stay without the label (a
     * scrape's own {@code instance} label tells those apart). A single node gets no label: its default id holds the
     * process id, and a label that changes at every restart would start new series each time.
     */
    private static void labelMetricsWithNode(CamelContext context, String nodeId) {
        MeterRegistry registry = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind("metricsRegistry", registry);
        }
        registry.config().commonTags("node", nodeId);
    }

    private static FeedRecords bind(List<RecordKind<?>> kinds, FeedConfig feed, ConfigReader config, SourceAdapter<?> source) {
        for (RecordKind<?> kind : kinds) {
            if (kind.rawType() == source.recordType()) {
                return bindAs(kind, feed, config, source);
            }
        }
        throw new ConfigException(FeedConfigLoader.prefix(feed.name()) + "type", "has feed type '" + feed.type()
                + "', whose records (" + source.recordType().getSimpleName() + ") no record kind of this build takes");
    }

    @SuppressWarnings("unchecked")
    private static <R> FeedRecords bindAs(RecordKind<R> kind, FeedConfig feed, ConfigReader config, SourceAdapter<?> source) {
        SourceAdapter<R> typed = (SourceAdapter<R>) source; // same raw type, checked by the caller
        return kind.bind(feed.name(), FeedConfigLoader.prefix(feed.name()), config, typed::map);
    }

    private static Account account(AccountConfig config, Database db, ConfigReader properties, TokenCipher tokenCipher,
            SharedBudget sharedBudget) {
        Credentials credentials = switch (config.auth()) {
            case OAUTH2 -> new OAuth2Credentials(config.name(),
                    OAuth2Settings.load(properties, AccountConfig.prefix(config.name())),
                    new TokenStore(db, tokenCipher), Clock.systemUTC());
            case API_KEY -> new ApiKey(config.apiKeyHeader().orElseThrow(), config.token().orElseThrow());
            case BASIC -> new BasicCredentials(config.username().orElseThrow(), config.password().orElseThrow());
            case BEARER -> new BearerToken(config.token().orElseThrow());
        };
        Governor governor = new Governor(config.name(), config.governor(), sharedBudget);
        return new Account(config, credentials, governor, Breakers.create(config.name(), config.breaker(), governor));
    }

    /**
     * Starts each {@link ServiceExtension} on the class path whose {@code <prefix>enabled} is true. The demo vendor's
     * keys are in the bundled configuration, so a service jar started without the demo jar says what to do.
     */
    private static void startExtensions(CamelContext context, ConfigReader config) throws Exception {
        Set<String> found = new HashSet<>();
        for (ServiceExtension extension : ServiceLoader.load(ServiceExtension.class)) {
            found.add(extension.prefix());
            if (config.bool(extension.prefix() + "enabled", false)) {
                context.addService(new Closer(extension.start(config)));
            }
        }
        if (config.bool(DEMO + "enabled", false) && !found.contains(DEMO)) {
            throw new ConfigException(DEMO + "enabled", "is true, but the demo vendor is not on the class path: start the"
                    + " demo with java -jar target/vendor-poller-demo.jar (it runs this service beside it), or set it to"
                    + " false against real vendors");
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
