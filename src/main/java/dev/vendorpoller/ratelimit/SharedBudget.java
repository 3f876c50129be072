package dev.vendorpoller.ratelimit;

/**
 * The spending of vendor accounts shared by every node of a cluster ({@link PostgresBudget} on PostgreSQL). A
 * {@link Governor} with one asks it for each request after its own, per-node checks (the vendor-stated remaining count,
 * the learned pace, its node's slots); embedded H2 has none and the governor keeps everything in memory.
 */
public interface SharedBudget {

    /**
     * One attempt to spend a request of {@code account}: every configured tier counted across the cluster, the shared
     * pause (429 / Retry-After, a spent vendor window), the cluster-wide concurrency cap. Granted: {@link Attempt#id()}
     * names the request until {@link #answered(long)}.
     */
    Attempt tryGrant(String account, GovernorSettings settings);

    /** The request's answer came (or it gave up): it leaves the windows a window from now. */
    void answered(long id);

    /** Every node holds {@code account}'s requests for {@code millis} from now ({@code reason}: retry-after, vendor budget). */
    void pause(String account, long millis, String reason);

    /** {@code account}'s circuit breaker opened on this node for {@code millis}: every node sees it open until then. */
    void openBreaker(String account, long millis, String reason);

    /**
     * The answer to one attempt.
     *
     * @param id                the granted request's id, or -1 when it must wait
     * @param waitMillis        how long to wait before the next attempt (0 when granted)
     * @param reason            why it waits: a tier's index from 1 ({@code tier:1}), {@code pause:<why>} or {@code concurrency}
     * @param remaining         requests left in the fullest configured tier across the cluster (-1: no tier)
     * @param breakerOpenMillis how long the account's breaker stays open by another node's say (0 or less: not open)
     */
    record Attempt(long id, long waitMillis, String reason, long remaining, long breakerOpenMillis) {
        public boolean granted() {
            return id >= 0;
        }
    }
}
