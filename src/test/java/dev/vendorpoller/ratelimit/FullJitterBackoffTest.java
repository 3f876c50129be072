package dev.vendorpoller.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LongSummaryStatistics;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class FullJitterBackoffTest {

    @Test
    void delays_are_spread_over_zero_to_the_truncated_exponential_ceiling() {
        FullJitterBackoff policy = new FullJitterBackoff(6, 100, 1000);
        long[] ceilings = {100, 200, 400, 800, 1000, 1000};
        for (int attempt = 1; attempt <= ceilings.length; attempt++) {
            int n = attempt;
            LongSummaryStatistics delays = LongStream.range(0, 5000)
                    .map(i -> policy.calculateRedeliveryDelay(0, n)).summaryStatistics();
            long ceiling = ceilings[attempt - 1];
            assertThat(delays.getMin()).as("attempt %s min", attempt).isGreaterThanOrEqualTo(0).isLessThan(ceiling / 10);
            assertThat(delays.getMax()).as("attempt %s max", attempt).isLessThanOrEqualTo(ceiling).isGreaterThan(ceiling * 9 / 10);
            assertThat(delays.getAverage()).as("attempt %s mean (uniform)", attempt).isBetween(ceiling * 0.45, ceiling * 0.55);
        }
        assertThat(policy.getMaximumRedeliveries()).isEqualTo(6);
    }
}
