package dev.vendorpoller.store;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/** The cut-off of the idempotency prune (routes/outbox-drain.yaml): keys older than the retention are deleted. */
public final class Retention {
    private final Duration retention;

    public Retention(Duration retention) {
        this.retention = retention;
    }

    public Timestamp cutoff() {
        return Timestamp.from(Instant.now().minus(retention));
    }
}
