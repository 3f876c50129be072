package dev.vendorpoller.app;

import dev.vendorpoller.config.ConfigReader;
import java.util.List;

/**
 * Something that starts with the service and stops with it, found on the class path through
 * {@code META-INF/services/dev.vendorpoller.app.ServiceExtension}: the demo vendor is one, and ships in its own jar
 * (target/vendor-poller-demo.jar), never in the service's. The service knows an extension only by its key prefix.
 */
public interface ServiceExtension {

    /** The prefix of the keys it reads, e.g. {@code vendor-poller.demo.}; it runs when {@code <prefix>enabled} is true. */
    String prefix();

    /**
     * Starts it from its keys (a bad one throws a {@link dev.vendorpoller.config.ConfigException} naming it), before
     * the database opens and any feed runs.
     *
     * @return what to close when the service stops
     */
    AutoCloseable start(ConfigReader config) throws Exception;

    /** The keys it reads, relative to {@link #prefix()} ({@code enabled} aside); empty: any key under the prefix. */
    default List<String> keys() {
        return List.of();
    }
}
