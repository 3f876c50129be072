package dev.vendorpoller.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The outbox's own retry delays: truncated exponential backoff with full jitter. */
class OutboxRetryDelayTest {

    @Test
    void outbox_retries_use_truncated_exponential_backoff_with_full_jitter() {
        Outbox outbox = new Outbox(null, null, Duration.ofMillis(100), Duration.ofMillis(1000));
        for (int attempt = 1; attempt <= 8; attempt++) {
            long ceiling = Math.min(1000, 100L << (attempt - 1));
            int n = attempt;
            List<Long> delays = IntStream.range(0, 2000).mapToObj(i -> outbox.retryDelayMillis(n)).toList();
            assertThat(delays).as("attempt %s", attempt).allSatisfy(d -> assertThat(d).isBetween(0L, ceiling));
            assertThat(delays).as("full jitter reaches down to 0 (attempt %s)", attempt).anySatisfy(d -> assertThat(d).isLessThan(ceiling / 10));
            assertThat(delays).as("and up to the ceiling (attempt %s)", attempt).anySatisfy(d -> assertThat(d).isGreaterThan(ceiling * 9 / 10));
        }
        assertThatThrownBy(() -> DeliverySettings.load(new ConfigReader(k -> Optional.ofNullable(
                Map.of(DeliverySettings.MAX_RETRY_DELAY, "1s", "vendor-poller.outbox.retry-delay", "2s").get(k)))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(DeliverySettings.MAX_RETRY_DELAY);
    }
}
