package dev.vendorpoller.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    @Test
    void should_read_the_x_ratelimit_dialect_with_an_epoch_reset() {
        VendorBudget b = RateLimitHeaders.parse(Map.of("X-RateLimit-Limit", "5000", "x-ratelimit-remaining", "4987",
                "X-RateLimit-Reset", String.valueOf(NOW.plusSeconds(900).getEpochSecond())), NOW);

        assertThat(b.limit()).contains(5000L);
        assertThat(b.remaining()).contains(4987L);
        assertThat(b.reset()).contains(NOW.plusSeconds(900));
        assertThat(b.retryAfter()).isEmpty();
    }

    @Test
    void should_read_a_reset_given_as_seconds_until_or_epoch_millis() {
        assertThat(RateLimitHeaders.parse(Map.of("X-RateLimit-Reset", "42"), NOW).reset()).contains(NOW.plusSeconds(42));
        assertThat(RateLimitHeaders.parse(Map.of("X-RateLimit-Reset", String.valueOf(NOW.plusSeconds(5).toEpochMilli())), NOW)
                .reset()).contains(NOW.plusSeconds(5));
    }

    @Test
    void should_read_the_ietf_fields_and_the_window_of_the_first_policy() {
        VendorBudget b = RateLimitHeaders.parse(Map.of("RateLimit-Limit", "100", "RateLimit-Remaining", "0",
                "RateLimit-Reset", "7", "RateLimit-Policy", "100;w=10, 1000;w=3600"), NOW);

        assertThat(b.limit()).contains(100L);
        assertThat(b.remaining()).contains(0L);
        assertThat(b.reset()).contains(NOW.plusSeconds(7));
        assertThat(b.window()).contains(Duration.ofSeconds(10));
    }

    @Test
    void should_read_the_single_ratelimit_field_form() {
        VendorBudget b = RateLimitHeaders.parse(Map.of("RateLimit", "limit=100, remaining=25, reset=30"), NOW);

        assertThat(b.limit()).contains(100L);
        assertThat(b.remaining()).contains(25L);
        assertThat(b.reset()).contains(NOW.plusSeconds(30));
    }

    @Test
    void should_prefer_the_ietf_fields_when_a_vendor_sends_both_dialects() {
        VendorBudget b = RateLimitHeaders.parse(Map.of("RateLimit-Remaining", "3", "X-RateLimit-Remaining", "9"), NOW);

        assertThat(b.remaining()).contains(3L);
    }

    @Test
    void should_read_retry_after_as_seconds_or_as_an_http_date() {
        assertThat(RateLimitHeaders.parse(Map.of("Retry-After", "120"), NOW).retryAfter()).contains(Duration.ofSeconds(120));
        assertThat(RateLimitHeaders.parse(Map.of("Retry-After", "Mon, 23 Nov 2026 12:00:45 GMT"), NOW).retryAfter())
                .contains(Duration.ofSeconds(45));
        assertThat(RateLimitHeaders.parse(Map.of("Retry-After", "Mon, 23 Nov 2026 11:00:00 GMT"), NOW).retryAfter())
                .as("a date in the past means now").contains(Duration.ZERO);
    }

    @Test
    void should_take_the_first_value_of_a_list_and_ignore_what_it_cannot_read() {
        VendorBudget b = RateLimitHeaders.parse(Map.of("X-RateLimit-Remaining", List.of("12", "99"),
                "X-RateLimit-Limit", "lots", "Retry-After", "soon", "RateLimit-Reset", "-5"), NOW);

        assertThat(b.remaining()).contains(12L);
        assertThat(b.limit()).isEmpty();
        assertThat(b.retryAfter()).isEmpty();
        assertThat(b.reset()).isEmpty();
    }

    @Test
    void should_know_when_the_vendor_said_nothing() {
        assertThat(RateLimitHeaders.parse(Map.of("Content-Type", "application/json"), NOW).isKnown()).isFalse();
        assertThat(RateLimitHeaders.parse(Map.of("Retry-After", "1"), NOW).isKnown()).isTrue();
        assertThat(VendorBudget.unknown().window()).isEqualTo(Optional.empty());
    }

    @Test
    void should_clamp_hostile_waits_to_a_day_and_ignore_counts_longer_than_18_digits() {
        assertThat(RateLimitHeaders.parse(Map.of("Retry-After", "99999999999999999"), NOW).retryAfter()).contains(Duration.ofDays(1));
        assertThat(RateLimitHeaders.parse(Map.of("Retry-After", "9".repeat(40)), NOW).retryAfter()).contains(Duration.ofDays(1));
        assertThat(RateLimitHeaders.parse(Map.of("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"), NOW).retryAfter())
                .contains(Duration.ofDays(1));
        assertThat(RateLimitHeaders.parse(Map.of("X-RateLimit-Reset", "999999999999999999"), NOW).reset()).contains(NOW.plus(Duration.ofDays(1)));
        VendorBudget b = RateLimitHeaders.parse(Map.of("RateLimit", "limit=100, remaining=99999999999999999999, reset=30",
                "RateLimit-Policy", "100;w=99999999999999999999", "X-RateLimit-Limit", "123456789012345678901"), NOW);
        assertThat(b.remaining()).isEmpty();
        assertThat(b.limit()).contains(100L);
        assertThat(b.reset()).contains(NOW.plusSeconds(30));
        assertThat(b.window()).isEmpty();
    }
}
