package dev.vendorpoller.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vendorpoller.failure.BudgetWaitTooLongException;
import dev.vendorpoller.support.FreshPostgresSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two governors on one PostgreSQL schema, as two nodes of a cluster on one vendor account: one budget between them
 * (never over a tier in any aligned window, nearly all of it used), a 429's Retry-After seen by one holds the other.
 */
class SharedBudgetTest extends FreshPostgresSchema {
    SharedBudgetTest() {
        super("budget_");
    }

    Governor node(String name, GovernorSettings settings) {
        return new Governor("shared", settings, new PostgresBudget(db.dataSource(), name));
    }

    @Test
    void should_keep_two_nodes_under_one_tier_in_every_aligned_window_and_use_at_least_95_percent_of_it() throws Exception {
        // 80 requests / 4 s: both nodes want far more (4 threads each, as fast as the budget lets them). A request
        // counts until a window + 50 ms after its answer, so at most 4000 / 4050 of a window can be used: 98.8 %
        GovernorSettings settings = new GovernorSettings(List.of(new RateTier(80, Duration.ofSeconds(4))), 0, 8,
                Duration.ofSeconds(30), false);
        List<Governor> nodes = List.of(node("a", settings), node("b", settings));
        ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
        long start = System.currentTimeMillis();
        long windowMillis = 4_000;
        long firstWindow = (start / windowMillis + 1) * windowMillis;
        long end = firstWindow + 4 * windowMillis;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new ArrayList<>();
        for (Governor governor : nodes) {
            for (int t = 0; t < 4; t++) {
                work.add(pool.submit(() -> {
                    while (System.currentTimeMillis() < end) {
                        Governor.Permit permit = governor.acquire();
                        arrivals.add(System.currentTimeMillis()); // the vendor sees it now
                        Thread.sleep(5);
                        permit.release(); // its answer
                    }
                    return null;
                }));
            }
        }
        for (Future<?> f : work) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        Map<Long, Integer> perWindow = new TreeMap<>();
        for (long at : arrivals) {
            perWindow.merge(at / windowMillis * windowMillis, 1, Integer::sum);
        }
        long used = 0;
        for (long w = firstWindow; w < end; w += windowMillis) {
            used += perWindow.getOrDefault(w, 0);
        }
        System.out.printf("SharedBudgetTest: per aligned 4 s window %s; use of the 4 full windows %.1f %%%n",
                perWindow.values(), 100.0 * used / (4 * 80));
        assertThat(perWindow.values()).as("requests per aligned window, both nodes").allMatch(n -> n <= 80);
        assertThat(used).as("requests in the 4 full windows").isGreaterThanOrEqualTo((long) Math.ceil(0.95 * 4 * 80));
        assertThat(nodes.get(0).requests()).as("node a got a share").isPositive();
        assertThat(nodes.get(1).requests()).as("node b got a share").isPositive();
    }

    @Test
    void should_hold_every_node_when_one_gets_a_429_with_retry_after() throws Exception {
        GovernorSettings settings = new GovernorSettings(List.of(), 0, 8, Duration.ofSeconds(30), false);
        Governor a = node("a", settings);
        Governor b = node("b", settings);
        a.acquire().release();
        b.acquire().release(); // both free to go

        a.observe(429, Map.of("Retry-After", "2"));
        long asked = System.nanoTime();
        b.acquire().release();
        long waited = (System.nanoTime() - asked) / 1_000_000;

        assertThat(waited).as("ms node b waited after node a's 429 (Retry-After: 2)").isBetween(1_800L, 3_500L);
        assertThat(b.rateLimited()).as("node b saw no 429 itself").isZero();
    }

    @Test
    void should_send_nothing_and_defer_the_run_when_the_shared_budget_cannot_be_asked() throws Exception {
        Governor a = node("a", new GovernorSettings(List.of(), 0, 8, Duration.ofSeconds(30), false));
        a.acquire().release();
        db.close(); // the database goes away

        assertThatThrownBy(a::acquire).isInstanceOf(BudgetWaitTooLongException.class)
                .hasMessageContaining("shared budget is unavailable");
        assertThat(a.requests()).as("requests granted").isEqualTo(1);
        assertThat(a.inFlight()).as("the slot was given back").isZero();
    }

    @Test
    void should_grant_outside_the_callers_transaction_so_no_node_waits_for_it() throws Exception {
        GovernorSettings settings = new GovernorSettings(List.of(new RateTier(100, Duration.ofSeconds(10))), 0, 8,
                Duration.ofSeconds(30), false);
        Governor a = node("a", settings);
        Governor b = node("b", settings);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            db.tx().executeWithoutResult(status -> {
                try {
                    a.acquire().release(); // inside a page transaction that stays open
                    // had the grant joined it, the account's row lock would hold node b until this transaction ends
                    other.submit(() -> {
                        b.acquire().release();
                        return null;
                    }).get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("node b waited for node a's open transaction", e);
                }
            });
        } finally {
            other.shutdownNow();
        }
        assertThat(b.requests()).isEqualTo(1);
    }

    @Test
    void should_hold_every_node_until_the_reset_when_one_hears_the_vendor_window_is_spent() throws Exception {
        GovernorSettings settings = new GovernorSettings(List.of(), 0, 8, Duration.ofSeconds(30), false);
        Governor a = node("a", settings);
        Governor b = node("b", settings);
        b.acquire().release();
        long reset = (System.currentTimeMillis() / 1000 + 3) * 1000; // a whole second, 2-3 s from now

        a.observe(200, Map.of("X-RateLimit-Limit", "10", "X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", String.valueOf(reset / 1000)));
        b.acquire().release();
        long grantedAt = System.currentTimeMillis();

        assertThat(grantedAt).as("node b's next grant, after node a heard 0 left until " + reset)
                .isGreaterThanOrEqualTo(reset + Governor.EDGE_MILLIS - 20).isLessThan(reset + 2_000);
    }

    @Test
    void should_cap_requests_in_flight_across_the_nodes() throws Exception {
        GovernorSettings settings = new GovernorSettings(List.of(), 0, 3, Duration.ofSeconds(30), false);
        Governor a = node("a", settings);
        Governor b = node("b", settings);
        Governor.Permit p1 = a.acquire();
        Governor.Permit p2 = a.acquire();
        Governor.Permit p3 = b.acquire();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Governor.Permit> fourth = pool.submit(b::acquire);
        Thread.sleep(500);
        assertThat(fourth).as("a 4th request while 3 are in flight on two nodes").isNotDone();
        p1.release();
        fourth.get(5, TimeUnit.SECONDS).release();
        p2.release();
        p3.release();
        pool.shutdown();
    }
}
