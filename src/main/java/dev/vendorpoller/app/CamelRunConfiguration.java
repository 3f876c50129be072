package dev.vendorpoller.app;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * The service's wiring under the Camel CLI ({@code bin/camel run}, README "Camel JBang"), named by
 * {@code camel.main.configuration-classes} in jbang/camel-run.properties. {@code java -jar} does not use it.
 *
 * <p>{@code camel run} loads this jar and the {@code --dep} jars into a child class loader of its own (the Camel
 * application class loader), not the JVM's class path. Two things would not find them there, so they get that loader
 * here, for the one call that builds the beans: {@code DriverManager}, which Hikari asks for the driver of
 * {@code vendor-poller.db.url} (without this: "No suitable driver"), knows only drivers whose classes were loaded, and
 * Flyway loads the driver and {@code classpath:db/migration} through the thread's context class loader (without it:
 * "No JDBC driver found to handle jdbc:h2:…"). Then {@link PollerConfiguration} builds every bean, exactly as for
 * {@code java -jar}.
 */
public final class CamelRunConfiguration implements CamelConfiguration {
    /** The JDBC drivers the service ships; each registers itself with DriverManager when its class initialises. */
    private static final String[] DRIVERS = {"org.h2.Driver", "org.postgresql.Driver"};

    @Override
    public void configure(CamelContext context) throws Exception {
        ClassLoader app = context.getApplicationContextClassLoader() != null
                ? context.getApplicationContextClassLoader() : CamelRunConfiguration.class.getClassLoader();
        for (String driver : DRIVERS) {
            Class.forName(driver, true, app);
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(app);
        try {
            new PollerConfiguration().configure(context);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
