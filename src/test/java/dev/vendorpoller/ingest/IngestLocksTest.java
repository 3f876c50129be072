package dev.vendorpoller.ingest;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.VendorPages.page;
import static dev.vendorpoller.support.VendorPages.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.support.LocalPostgres;
import dev.vendorpoller.support.VendorAndPoller;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two transactions committing into the ledger at once, on PostgreSQL (READ COMMITTED, several connections, as two
 * nodes have): a webhook batch and a polled page of one record, and a payment page and the registration page it waits
 * for. Each test holds the first transaction open after its writes and starts the second: the second must wait for
 * the first (Ingest's lock per feed) and then see what it committed. Without the lock the first test's ledger ends on
 * the older version and the second's payment event stays held.
 */
class IngestLocksTest extends VendorAndPoller {
    private String schema;
    private Ingest ingest;
    private Feeds feeds;
    private TransactionTemplate tx;

    @BeforeEach
    void service() throws Exception {
        LocalPostgres.assumeUp();
        schema = LocalPostgres.createSchema("vp_locks_");
        vendor.stubFor(get(urlPathEqualTo("/forms/registrations")).willReturn(okJson(page(null, false))));
        vendor.stubFor(get(urlPathEqualTo("/stripe/events")).willReturn(okJson("{\"object\":\"list\",\"data\":[],\"has_more\":false}")));
        poller.database(LocalPostgres.url(schema), "postgres")
                .feed("forms", vendor.baseUrl() + "/forms", "schedule.interval", "1h")
                .feed("payments", vendor.baseUrl() + "/stripe", "type", "stripe-events", "applies-to", "forms",
                        "schedule.interval", "1h")
                .start();
        ingest = poller.context().getRegistry().lookupByNameAndType("ingest", Ingest.class);
        feeds = poller.context().getRegistry().lookupByNameAndType("feeds", Feeds.class);
        tx = new TransactionTemplate(new DataSourceTransactionManager(
                poller.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class)));
    }

    @AfterEach
    void dropSchema() throws Exception {
        poller.stop();
        if (schema != null) {
            LocalPostgres.dropSchema(schema);
        }
    }

    @Test
    void an_older_version_committed_beside_a_newer_one_never_replaces_it() throws Exception {
        commit("forms", rec("r1", "v1@x.io", "2026-03-01T10:00:00Z"));

        Concurrent run = new Concurrent("forms", rec("r1", "v3@x.io", "2026-03-01T12:00:00Z"),
                "forms", rec("r1", "v2@x.io", "2026-03-01T11:00:00Z"));

        assertThat(run.secondWaitedForTheFirst).as("the older version's commit waited for the newer one's").isTrue();
        assertThat(poller.query("SELECT email, versions_seen FROM ledger_registration WHERE external_id = 'r1'"))
                .singleElement().satisfies(row -> {
                    assertThat(row.get("email")).as("the ledger keeps the newest version").isEqualTo("v3@x.io");
                    assertThat(((Number) row.get("versions_seen")).intValue()).isEqualTo(3);
                });
    }

    @Test
    void a_payment_event_held_beside_the_commit_of_its_registration_is_applied_by_that_commit() throws Exception {
        long created = Instant.parse("2026-03-01T10:00:00Z").getEpochSecond();
        String event = "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"charge.refunded\",\"created\":" + created
                + ",\"data\":{\"object\":{\"id\":\"pi_1\",\"amount\":2500,\"currency\":\"eur\",\"status\":\"refunded\","
                + "\"metadata\":{\"registration_id\":\"r1\"}}}}";

        Concurrent run = new Concurrent("payments", event, "forms", rec("r1", "a@x.io", "2026-03-01T09:00:00Z"));

        assertThat(run.secondWaitedForTheFirst).as("the registration page waited for the payment page").isTrue();
        assertThat(poller.count("SELECT COUNT(*) FROM payment_holding")).as("nothing left held").isZero();
        assertThat(poller.query("SELECT outcome FROM payment_event WHERE event_id = 'evt_1'").get(0).get("outcome"))
                .isEqualTo("APPLIED");
        assertThat(poller.query("SELECT payment_status FROM ledger_registration WHERE external_id = 'r1'").get(0)
                .get("payment_status")).isEqualTo("REFUNDED");
    }

    private void commit(String feed, String raw) {
        tx.executeWithoutResult(s -> ingest.apply(feeds.get(feed), List.of(ingest.recheck(feeds.get(feed), raw))));
    }

    /** The first commit applied and held open; the second started; then the first committed and the second finished. */
    private final class Concurrent {
        final boolean secondWaitedForTheFirst;

        Concurrent(String firstFeed, String firstRaw, String secondFeed, String secondRaw) throws Exception {
            CountDownLatch applied = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> tx.executeWithoutResult(s -> {
                ingest.apply(feeds.get(firstFeed), List.of(ingest.recheck(feeds.get(firstFeed), firstRaw)));
                applied.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(applied.await(30, TimeUnit.SECONDS)).as("the first commit applied").isTrue();
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> commit(secondFeed, secondRaw));
            Thread.sleep(1_000);
            secondWaitedForTheFirst = !second.isDone();
            release.countDown();
            first.get(30, TimeUnit.SECONDS);
            second.get(30, TimeUnit.SECONDS);
        }
    }
}
