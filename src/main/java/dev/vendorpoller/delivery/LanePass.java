package dev.vendorpoller.delivery;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One pass of a lane: the messages it took (newest version per record only), and those their endpoint accepted so far.
 * The pass's deliveries run concurrently (up to the lane's concurrency); the accepted ones leave the outbox together, in
 * one transaction, when the pass ends.
 */
final class LanePass {
    private final Lane lane;
    private final List<OutboxMessage> messages;
    private final boolean full;
    private final Queue<OutboxMessage> accepted = new ConcurrentLinkedQueue<>();

    LanePass(Lane lane, List<OutboxMessage> messages, boolean full) {
        this.lane = lane;
        this.messages = messages;
        this.full = full;
    }

    Lane lane() {
        return lane;
    }

    List<OutboxMessage> messages() {
        return messages;
    }

    void accepted(OutboxMessage message) {
        accepted.add(message);
    }

    List<OutboxMessage> accepted() {
        return List.copyOf(accepted);
    }

    /** Worth another pass at once: it took all it could and its endpoint took some (a refusing lane waits a period). */
    boolean worthAnother() {
        return full && !accepted.isEmpty();
    }
}
