package dev.vendorpoller.delivery;

import java.util.Locale;

/**
 * Where one stream of deliveries goes: a feed's endpoint for one kind of message. Each lane drains on its own, so a
 * slow or refusing endpoint never holds another back; within a lane a record's versions go out in version order.
 */
public record Lane(String feed, OutboxKind kind) {
    /** e.g. {@code forms-sink}: the lane's route id suffix, thread name and metric tag. */
    public String name() {
        return feed + "-" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return name();
    }
}
