package dev.vendorpoller.app;

import dev.vendorpoller.account.Accounts;
import dev.vendorpoller.delivery.DeadLetters;
import dev.vendorpoller.ingest.Feeds;
import dev.vendorpoller.ops.Operations;
import org.apache.camel.CamelContext;

/**
 * What {@link PollerConfiguration} built that the listeners need once routes/*.yaml are loaded, bound once in the
 * registry by its type: the feeds and accounts to make routes for, the operator surfaces to start, and the dead
 * letters (which tests and embedding code replay).
 */
public record Service(Feeds feeds, Accounts accounts, DeadLetters deadLetters, Operations operations) {

    /** The running service's parts. */
    public static Service of(CamelContext context) {
        Service service = context.getRegistry().findSingleByType(Service.class);
        if (service == null) {
            throw new IllegalStateException("PollerConfiguration has not run: no vendor-poller service in the registry");
        }
        return service;
    }
}
