package dev.vendorpoller.record.payment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vendorpoller.record.CanonicalRecord;
import dev.vendorpoller.record.Hashes;
import dev.vendorpoller.record.LedgerPlan;
import dev.vendorpoller.record.PaymentStatus;
import dev.vendorpoller.support.FreshPostgresSchema;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL (more than one connection) a payment page and a registration page can commit at the same time: the
 * payment page holds an event because its registration is not there yet, while the registration page, which ledgers
 * it, cannot see the uncommitted hold. StripeKillRestartIT on PostgreSQL left such events held for good; the next
 * payment page must apply them.
 */
class PaymentHoldingRaceTest extends FreshPostgresSchema {
    private static final String REGISTRATIONS = "forms";
    private static final String PAYMENTS = "stripe";
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    PaymentHoldingRaceTest() {
        super("vp_");
    }

    @Test
    void should_apply_at_the_next_payment_page_an_event_held_while_a_parallel_page_ledgered_its_registration() throws Exception {
        PaymentLedger ledger = new PaymentLedger(db.jdbc(), json);
        Instant created = Instant.parse("2026-03-01T10:00:00Z");
        CanonicalPaymentEvent refund = new CanonicalPaymentEvent(Hashes.sha256Hex(PAYMENTS, "evt_1"), PAYMENTS, "evt_1",
                "charge.refunded", created, "pi_1", 2500L, "eur", "refunded", PaymentStatus.REFUNDED, "r1");
        CountDownLatch planned = new CountDownLatch(1);
        CountDownLatch registered = new CountDownLatch(1);

        // the payment page: plans (r1 absent: held), then commits after the registration page
        CompletableFuture<Void> paymentPage = CompletableFuture.runAsync(() -> db.tx().executeWithoutResult(s -> {
            LedgerPlan plan = ledger.plan(REGISTRATIONS, List.of(refund));
            planned.countDown();
            await(registered);
            plan.write();
        }));
        await(planned);
        // the registration page: ledgers r1, finds nothing held for it (the hold is not committed), commits
        db.tx().executeWithoutResult(s -> {
            ledgerRegistration("r1");
            ledger.planHeld(REGISTRATIONS, List.of(registration("r1"))).write();
        });
        registered.countDown();
        paymentPage.get(20, TimeUnit.SECONDS);
        assertThat(db.jdbc().queryForObject("SELECT COUNT(*) FROM payment_holding", Integer.class))
                .as("held after the two pages (the interleaving this test is about)").isEqualTo(1);

        // the next payment page, with no new event
        db.tx().executeWithoutResult(s -> ledger.plan(REGISTRATIONS, List.of()).write());

        assertThat(db.jdbc().queryForObject("SELECT COUNT(*) FROM payment_holding", Integer.class)).as("still held").isZero();
        assertThat(db.jdbc().queryForObject("SELECT outcome FROM payment_event WHERE event_id = 'evt_1'", String.class))
                .isEqualTo("APPLIED");
        assertThat(db.jdbc().queryForObject("SELECT payment_status FROM ledger_registration WHERE external_id = 'r1'", String.class))
                .isEqualTo("REFUNDED");
    }

    private void ledgerRegistration(String id) {
        OffsetDateTime t = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        db.jdbc().update("INSERT INTO ledger_registration (source, external_id, idempotency_key, email, ticket_tier, payment_status,"
                + " registered_at, source_updated_at, metadata, versions_seen, first_ledgered_at, last_ledgered_at)"
                + " VALUES (?, ?, ?, ?, 'GENERAL_ADMISSION', 'PENDING', ?, ?, '{}', 1, ?, ?)", REGISTRATIONS, id,
                Hashes.sha256Hex(REGISTRATIONS, id), id + "@x.io", t, t, t, t);
    }

    private static CanonicalRecord registration(String id) {
        return new CanonicalRecord() {
            @Override
            public String idempotencyKey() {
                return Hashes.sha256Hex(REGISTRATIONS, id);
            }

            @Override
            public String source() {
                return REGISTRATIONS;
            }

            @Override
            public String recordId() {
                return id;
            }

            @Override
            public Instant versionTime() {
                return Instant.parse("2026-01-01T00:00:00Z");
            }
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(20, TimeUnit.SECONDS)).as("the other page").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
