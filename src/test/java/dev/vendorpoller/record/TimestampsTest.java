package dev.vendorpoller.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Vendor times that no column or epoch-millisecond key holds are unreadable (the record's reject), never an exception. */
class TimestampsTest {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void should_read_a_time_outside_the_years_1_to_9999_or_beyond_any_instant_as_unreadable() {
        assertThat(Timestamps.toUtc(NODES.textNode("+999999999-12-31T23:59:59Z"))).as("its epoch millis overflow a long").isNull();
        assertThat(Timestamps.toUtc(NODES.textNode("+10000-01-01T00:00:00Z"))).isNull();
        assertThat(Timestamps.toUtc(NODES.textNode("-0001-01-01T00:00:00Z"))).isNull();
        assertThat(Timestamps.toUtc(NODES.numberNode(Long.MAX_VALUE))).isNull();
        assertThat(Timestamps.toUtc(NODES.numberNode(new BigInteger("99999999999999999999")))).isNull();
        assertThat(Timestamps.toUtc(NODES.textNode("999999999999"))).as("year 33658").isNull();
        assertThat(Timestamps.toUtc(NODES.textNode("9999-12-31T23:59:59Z"))).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
        assertThat(Timestamps.toUtc(NODES.numberNode(1767229656L))).isEqualTo(Instant.ofEpochSecond(1767229656L));
    }
}
