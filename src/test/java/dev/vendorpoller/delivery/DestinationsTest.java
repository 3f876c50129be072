package dev.vendorpoller.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The lane keys of a feed are checked at start-up, naming the property. */
class DestinationsTest {
    static Destinations load(Map<String, String> props) {
        return Destinations.load(new ConfigReader(key -> Optional.ofNullable(props.get(key))), List.of("forms"));
    }

    @Test
    void should_read_sink_concurrency_and_batch_size_with_the_outbox_default() {
        var lanes = load(Map.of("vendor-poller.feed.forms.sink-uri", "http://127.0.0.1:1/sink",
                "vendor-poller.feed.forms.sink-batch-size", "50", "vendor-poller.feed.forms.reject-uri", "log:rejects",
                "vendor-poller.outbox.concurrency", "3")).lanes();
        Destinations.Target sink = lanes.get(new Lane("forms", OutboxKind.SINK));
        assertThat(sink.concurrency()).isEqualTo(3);
        assertThat(sink.batchSize()).isEqualTo(50);
        assertThat(lanes.get(new Lane("forms", OutboxKind.REJECT)).batchSize()).isEqualTo(1);
    }

    @Test
    void should_refuse_a_bad_lane_setting_naming_the_property() {
        assertThatThrownBy(() -> load(Map.of("vendor-poller.feed.forms.sink-uri", "http://127.0.0.1:1/sink",
                "vendor-poller.feed.forms.sink-concurrency", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("vendor-poller.feed.forms.sink-concurrency");
        assertThatThrownBy(() -> load(Map.of("vendor-poller.feed.forms.sink-batch-size", "10")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("vendor-poller.feed.forms.sink-batch-size")
                .hasMessageContaining("sink-uri");
        assertThatThrownBy(() -> load(Map.of("vendor-poller.feed.forms.sink-uri", "http://127.0.0.1:1/sink",
                "vendor-poller.feed.forms.sink-batch-size", "20000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("vendor-poller.feed.forms.sink-batch-size");
    }
}
