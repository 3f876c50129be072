package dev.vendorpoller.delivery.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/**
 * Publishes the message body to the queue, persistent and mandatory, on a channel in confirm mode, and waits for the
 * broker's confirm: the send returns only once the broker has the message, and throws when it nacked it, when no
 * queue took it (returned), or when no confirm came in time. Concurrent sends each borrow a channel of their own.
 */
final class RabbitMqProducer extends DefaultProducer {
    private final RabbitMqEndpoint.Settings settings;
    private final BlockingQueue<Confirming> idle = new LinkedBlockingQueue<>();
    private volatile Connection connection;

    RabbitMqProducer(RabbitMqEndpoint endpoint, RabbitMqEndpoint.Settings settings) {
        super(endpoint);
        this.settings = settings;
    }

    /** A channel in confirm mode that remembers whether the broker returned the last message. */
    private record Confirming(Channel channel, AtomicBoolean returned) {
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        var message = exchange.getMessage();
        Map<String, Object> headers = new HashMap<>();
        message.getHeaders().forEach((name, value) -> {
            if (value instanceof String && !name.startsWith("Camel")) {
                headers.put(name, value);
            }
        });
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .contentType(message.getHeader(Exchange.CONTENT_TYPE, "application/json", String.class))
                .messageId(message.getHeader("Idempotency-Key", String.class))
                .headers(headers)
                .build();
        byte[] body = message.getMandatoryBody(byte[].class);
        Confirming c = borrow();
        boolean healthy = false;
        try {
            c.returned().set(false);
            c.channel().basicPublish("", settings.queue(), true, properties, body);
            c.channel().waitForConfirmsOrDie(settings.confirmTimeoutMillis());
            if (c.returned().get()) {
                throw new IOException("RabbitMQ returned the message: no queue '" + settings.queue() + "' took it ("
                        + settings + ")");
            }
            healthy = true;
        } finally {
            if (healthy) {
                idle.offer(c);
            } else {
                closeQuietly(c);
            }
        }
    }

    private Confirming borrow() throws IOException, TimeoutException {
        Confirming c = idle.poll();
        if (c != null && c.channel().isOpen()) {
            return c;
        }
        Channel channel = connection().createChannel();
        channel.confirmSelect();
        if (settings.declare()) {
            channel.queueDeclare(settings.queue(), true, false, false, null);
        }
        AtomicBoolean returned = new AtomicBoolean();
        channel.addReturnListener(r -> returned.set(true));
        return new Confirming(channel, returned);
    }

    private synchronized Connection connection() throws IOException, TimeoutException {
        if (connection == null || !connection.isOpen()) {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost(settings.host());
            factory.setPort(settings.port());
            factory.setUsername(settings.username());
            factory.setPassword(settings.password());
            factory.setVirtualHost(settings.virtualHost());
            factory.setConnectionTimeout(5_000);
            factory.setAutomaticRecoveryEnabled(false); // a broken connection is simply opened again on the next send
            connection = factory.newConnection("vendor-poller");
        }
        return connection;
    }

    private static void closeQuietly(Confirming c) {
        try {
            if (c.channel().isOpen()) {
                c.channel().close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // the channel is being dropped anyway
        }
    }

    @Override
    protected void doStop() throws Exception {
        Confirming c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
        Connection open = connection;
        if (open != null && open.isOpen()) {
            open.close();
        }
        super.doStop();
    }
}
