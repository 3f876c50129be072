package dev.vendorpoller.delivery.rabbitmq;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One queue on one broker; sends only (see {@link RabbitMqProducer}). */
public final class RabbitMqEndpoint extends DefaultEndpoint {
    /** Where and how to publish; the password never leaves this record except to the broker. */
    record Settings(String queue, String host, int port, String username, String password, String virtualHost,
            boolean declare, long confirmTimeoutMillis) {
        @Override
        public String toString() {
            return "rabbitmq://" + host + ":" + port + virtualHost + " queue " + queue;
        }
    }

    private final Settings settings;

    RabbitMqEndpoint(String uri, RabbitMqComponent component, Settings settings) {
        super(uri, component);
        this.settings = settings;
    }

    @Override
    public Producer createProducer() {
        return new RabbitMqProducer(this, settings);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("rabbitmq: is a sink endpoint; it does not consume");
    }
}
