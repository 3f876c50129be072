package dev.vendorpoller.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.ratelimit.BreakerSettings;
import dev.vendorpoller.ratelimit.Governor;
import dev.vendorpoller.ratelimit.GovernorSettings;
import dev.vendorpoller.ratelimit.PostgresBudget;
import dev.vendorpoller.support.FreshPostgresSchema;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two nodes' breakers for one account on one PostgreSQL schema: one opens after outages, the other sees it open. */
class SharedBreakerTest extends FreshPostgresSchema {
    SharedBreakerTest() {
        super("breaker_");
    }

    @Test
    void should_show_a_breaker_opened_on_one_node_open_on_the_other_until_it_half_opens() throws Exception {
        GovernorSettings governor = new GovernorSettings(List.of(), 0, 8, Duration.ofSeconds(30), false);
        BreakerSettings breaker = new BreakerSettings(50, 2, 4, Duration.ofSeconds(2), 1);
        Governor governorA = new Governor("crm", governor, new PostgresBudget(db.dataSource(), "a"));
        Governor governorB = new Governor("crm", governor, new PostgresBudget(db.dataSource(), "b"));
        CircuitBreaker a = Breakers.create("crm", breaker, governorA);
        CircuitBreaker b = Breakers.create("crm", breaker, governorB);

        // node a sees the vendor down: two timeouts open its breaker
        for (int i = 0; i < 2; i++) {
            a.onError(10, TimeUnit.MILLISECONDS, new IOException("read timed out"));
        }
        assertThat(a.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.getState()).as("b has seen no failure itself").isEqualTo(CircuitBreaker.State.CLOSED);

        // node b's next request: its grant says a's breaker is open, so b's opens too and the request fails fast
        governorB.acquire().release();
        Breakers.follow(b, governorB);
        assertThat(b.getState()).as("b after a's breaker opened").isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.tryAcquirePermission()).as("b lets nothing through while a's breaker is open").isFalse();
        String reason = db.jdbc().queryForObject("SELECT reason || ' on ' || node FROM account_breaker WHERE account = 'crm'", String.class);
        assertThat(reason).contains("failure rate").endsWith("on a");

        // both half-open after the open time: b probes again (one call), as a does
        Thread.sleep(2_100);
        governorB.acquire().release();
        Breakers.follow(b, governorB);
        assertThat(b.tryAcquirePermission()).as("b's probe after the open time").isTrue();
        assertThat(b.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(a.tryAcquirePermission()).as("a's probe").isTrue();
    }
}
