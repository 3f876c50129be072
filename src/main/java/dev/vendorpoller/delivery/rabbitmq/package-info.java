/**
 * The {@code rabbitmq:} sink endpoint: delivers a message to a RabbitMQ queue with the broker's own AMQP 0-9-1 client
 * (com.rabbitmq:amqp-client), persistent, with publisher confirms and the mandatory flag, so a send returns only once
 * the broker has taken the message (and fails when it did not, or when no queue took it). Every String header of the
 * Camel message, {@code Idempotency-Key} included, becomes an AMQP header of the same name. Part of the delivery layer;
 * imports nothing of ours.
 */
package dev.vendorpoller.delivery.rabbitmq;
