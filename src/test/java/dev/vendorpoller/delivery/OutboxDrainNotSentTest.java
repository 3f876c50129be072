package dev.vendorpoller.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.failure.BudgetWaitTooLongException;
import dev.vendorpoller.failure.RetryableVendorException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;

/** A delivery that never reached the vendor must not use one of its bounded attempts. */
class OutboxDrainNotSentTest {

    @Test
    void an_open_breaker_or_a_spent_budget_is_not_an_attempt_but_a_vendor_answer_is() {
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("sweepstakes");
        breaker.transitionToOpenState();
        assertThat(OutboxDrain.notSent(new RuntimeCamelException(CallNotPermittedException.createCallNotPermittedException(breaker))))
                .isTrue();
        assertThat(OutboxDrain.notSent(new BudgetWaitTooLongException("sweepstakes", "retry-after", Duration.ofHours(1)))).isTrue();
        assertThat(OutboxDrain.notSent(new RetryableVendorException("vendor answered 503", 503, null))).isFalse();
        assertThat(OutboxDrain.notSent(null)).isFalse();
    }
}
