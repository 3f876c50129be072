package dev.vendorpoller.delivery.rabbitmq;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code rabbitmq:<queue>?host=127.0.0.1&port=5672&username=guest&password=guest&virtualHost=/&declare=true
 * &confirmTimeoutMillis=10000}: a producer-only endpoint (a sink). {@code declare=true} declares the queue durable if it
 * does not exist; with {@code declare=false} it must exist, or every send fails (the message is unroutable).
 */
public final class RabbitMqComponent extends DefaultComponent {
    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("rabbitmq: needs a queue name, e.g. rabbitmq:registrations");
        }
        RabbitMqEndpoint.Settings settings = new RabbitMqEndpoint.Settings(remaining,
                getAndRemoveParameter(parameters, "host", String.class, "127.0.0.1"),
                getAndRemoveParameter(parameters, "port", Integer.class, 5672),
                getAndRemoveParameter(parameters, "username", String.class, "guest"),
                getAndRemoveParameter(parameters, "password", String.class, "guest"),
                getAndRemoveParameter(parameters, "virtualHost", String.class, "/"),
                getAndRemoveParameter(parameters, "declare", Boolean.class, true),
                getAndRemoveParameter(parameters, "confirmTimeoutMillis", Long.class, 10_000L));
        if (!parameters.isEmpty()) {
            throw new IllegalArgumentException("rabbitmq: unknown option(s) " + parameters.keySet()
                    + " (known: host, port, username, password, virtualHost, declare, confirmTimeoutMillis)");
        }
        return new RabbitMqEndpoint(uri, this, settings);
    }
}
