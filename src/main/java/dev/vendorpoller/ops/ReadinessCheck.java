package dev.vendorpoller.ops;

import org.apache.camel.impl.health.AbstractHealthCheck;

/** A vendor-poller health check that is about readiness only: restarting the service would not fix what it sees. */
abstract class ReadinessCheck extends AbstractHealthCheck {

    ReadinessCheck(String id) {
        super("vendor-poller", id);
    }

    @Override
    public final boolean isLiveness() {
        return false;
    }
}
