package dev.vendorpoller.support;

import dev.vendorpoller.app.VendorPoller;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.test.junit5.util.CamelContextTestHelper;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterEach;

/**
 * The base of the in-process tests, on Camel's test kit (camel-test-main-junit5): each service context is built by
 * {@link CamelMainTestSupport} exactly as Camel Main builds it for {@code java -jar} — {@link VendorPoller#configure},
 * config/application.properties, routes/*.yaml — with the test's properties overriding the file.
 * <p>
 * A test first sets up its vendor and its settings ({@link #newPoller()}), then starts the service; a restart builds
 * a new context on the same database. So the kit's own per-test context stays an empty placeholder
 * ({@link #isUseAdviceWith()}: not started), and {@link #context} points at the service once it runs, for
 * {@code NotifyBuilder}, {@code AdviceWith} ({@link PollerHarness#beforeStart}) and the kit's mock endpoints
 * ({@code isMockEndpointsAndSkip()}), which also reach routes created as the context starts (feeds, outbox lanes).
 */
public abstract class ServiceTest extends CamelMainTestSupport {
    private Properties overrides; // no initializer: CamelTestSupport's constructor asks for it before field initializers run
    private boolean building;
    private final List<PollerHarness> started = new ArrayList<>();

    /** A service harness on its own H2 file database; its start() builds the context through the test kit. */
    protected PollerHarness newPoller() throws Exception {
        PollerHarness harness = new PollerHarness(this::startService);
        started.add(harness);
        return harness;
    }

    @Override
    public boolean isUseAdviceWith() {
        return true; // the kit must not start its context: the test starts the service when its vendor is ready
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        if (overrides == null) {
            overrides = new Properties();
        }
        return overrides;
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:" + Path.of("config/application.properties").toAbsolutePath();
    }

    @Override
    protected void configure(MainConfigurationProperties main) {
        VendorPoller.configure(main);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        return building ? super.createCamelContext() : new DefaultCamelContext(); // the placeholder of each test
    }

    private CamelContext startService(Map<String, String> properties, List<Consumer<CamelContext>> beforeStart) throws Exception {
        Properties props = useOverridePropertiesWithPropertiesComponent();
        props.clear();
        props.putAll(properties);
        // the kit switches JMX off for the whole JVM unless a test asks; the service's own switch decides here
        DefaultCamelContext.setDisableJmx(!Boolean.parseBoolean(properties.getOrDefault("camel.main.jmx-enabled", "false")));
        CamelContext service;
        building = true;
        try {
            service = createCamelContext();
        } finally {
            building = false;
        }
        context = (ModelCamelContext) service;
        // the kit's mock endpoints (isMockEndpoints / isMockEndpointsAndSkip), for routes created at start too
        CamelContextTestHelper.enableAutoMocking(service, isMockEndpoints(), isMockEndpointsAndSkip());
        for (Consumer<CamelContext> step : beforeStart) {
            step.accept(service);
        }
        service.start();
        template = service.createProducerTemplate();
        return service;
    }

    @AfterEach
    void stopServices() throws Exception {
        for (PollerHarness harness : started) {
            harness.close();
        }
        started.clear();
    }
}
