package dev.vendorpoller.record.payment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.record.payment.CanonicalPaymentEvent;
import dev.vendorpoller.record.registration.CanonicalRegistration;
import dev.vendorpoller.store.Sql;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Applies payment events to the ledger, inside the caller's page transaction. An event moves its registration's
 * payment status unless a newer event already did (events arrive out of order); an event whose registration has not
 * arrived yet waits in payment_holding and is applied by the page that ledgers the registration. Nothing is lost
 * either way: every event is kept in payment_event with its outcome.
 */
public final class PaymentLedger {
    public static final String APPLIED = "APPLIED";
    public static final String SUPERSEDED = "SUPERSEDED";
    public static final String HELD = "HELD";
    public static final String NO_EFFECT = "NO_EFFECT";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public PaymentLedger(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** What applying a page of events did: reached their registration (applied or superseded), held, moved nothing. */
    public record Outcome(int reached, int held, int noEffect) {
    }

    /**
     * @param registrationSource the feed whose registrations these events refer to (the payment feed's applies-to)
     * @param events             events not seen before, in any order
     */
    public Outcome apply(String registrationSource, List<CanonicalPaymentEvent> events) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        int reached = 0;
        int held = 0;
        int noEffect = 0;
        // newest first: an older event for the same registration then finds a newer one applied and is SUPERSEDED
        List<CanonicalPaymentEvent> ordered = new ArrayList<>(events);
        ordered.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
        for (CanonicalPaymentEvent e : ordered) {
            String outcome;
            if (e.paymentStatus() == null || e.registrationRef() == null || registrationSource == null) {
                outcome = NO_EFFECT;
                noEffect++;
            } else if (!registrationExists(registrationSource, e.registrationRef())) {
                jdbc.update("INSERT INTO payment_holding (event_key, registration_source, registration_ref, created_at, held_at)"
                        + " VALUES (?, ?, ?, ?, ?)", e.idempotencyKey(), registrationSource, e.registrationRef(),
                        Sql.utc(e.createdAt()), now);
                outcome = HELD;
                held++;
            } else {
                outcome = move(registrationSource, e.registrationRef(), e) ? APPLIED : SUPERSEDED;
                reached++;
            }
            jdbc.update("INSERT INTO payment_event (idempotency_key, source, event_id, type, created_at, object_id,"
                    + " amount_minor, currency, status, payment_status, registration_source, registration_ref, outcome,"
                    + " applied_at, received_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    e.idempotencyKey(), e.source(), e.eventId(), e.type(), Sql.utc(e.createdAt()), e.objectId(), e.amountMinor(),
                    e.currency(), e.status(), e.paymentStatus() == null ? null : e.paymentStatus().name(), registrationSource,
                    e.registrationRef(), outcome, APPLIED.equals(outcome) ? now : null, now, toJson(e));
        }
        return new Outcome(reached, held, noEffect);
    }

    /**
     * A registration page ledgered these registrations: apply the events held for them, newest first, and release
     * them from holding. Same transaction as the page.
     */
    public int applyHeld(String registrationSource, List<CanonicalRegistration> ledgered) {
        int applied = 0;
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (List<String> chunk : Sql.chunks(ledgered.stream().map(CanonicalRegistration::externalId).distinct().toList())) {
            List<Object> args = new ArrayList<>(chunk);
            args.add(registrationSource);
            List<String[]> held = jdbc.query("SELECT h.event_key, h.registration_ref FROM payment_holding h"
                    + " WHERE h.registration_ref IN (" + Sql.placeholders(chunk.size()) + ") AND h.registration_source = ?"
                    + " ORDER BY h.created_at DESC", (rs, i) -> new String[] {rs.getString(1), rs.getString(2)}, args.toArray());
            for (String[] h : held) {
                CanonicalPaymentEvent event = jdbc.queryForObject("SELECT payload FROM payment_event WHERE idempotency_key = ?",
                        (rs, i) -> fromJson(rs.getString(1)), h[0]);
                String outcome = move(registrationSource, h[1], event) ? APPLIED : SUPERSEDED;
                jdbc.update("UPDATE payment_event SET outcome = ?, applied_at = ? WHERE idempotency_key = ?",
                        outcome, APPLIED.equals(outcome) ? now : null, h[0]);
                jdbc.update("DELETE FROM payment_holding WHERE event_key = ?", h[0]);
                applied++;
            }
        }
        return applied;
    }

    /** Sets the status unless a newer event already set it. */
    private boolean move(String source, String externalId, CanonicalPaymentEvent e) {
        return jdbc.update("UPDATE ledger_registration SET payment_status = ?, payment_event_at = ?, last_ledgered_at = ?"
                + " WHERE external_id = ? AND source = ? AND (payment_event_at IS NULL OR payment_event_at <= ?)",
                e.paymentStatus().name(), Sql.utc(e.createdAt()), OffsetDateTime.now(ZoneOffset.UTC), externalId, source,
                Sql.utc(e.createdAt())) == 1;
    }

    private boolean registrationExists(String source, String externalId) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM ledger_registration WHERE external_id = ? AND source = ?",
                Integer.class, externalId, source);
        return n != null && n > 0;
    }

    private String toJson(CanonicalPaymentEvent e) {
        try {
            return json.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private CanonicalPaymentEvent fromJson(String text) {
        try {
            return json.readValue(text, CanonicalPaymentEvent.class);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
