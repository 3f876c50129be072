package dev.vendorpoller.record.payment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.record.CanonicalRecord;
import dev.vendorpoller.record.LedgerPlan;
import dev.vendorpoller.store.Sql;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Applies payment events to the registrations of another feed, inside the page transaction. An event moves its
 * registration's payment status unless a newer event already did (events arrive out of order); an event whose
 * registration has not arrived yet waits in payment_holding and is applied by the page that ledgers the registration.
 * Nothing is lost either way: every event is kept in payment_event with its {@link PaymentOutcome}. The registration
 * feed is known here by its table only (ledger_registration), never by its classes.
 */
public final class PaymentLedger {
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public PaymentLedger(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Plans new events: each gets its outcome from the registrations as they stand (read here), newest event first,
     * so an older event for the same registration finds a newer one applied and is SUPERSEDED.
     *
     * @param registrationSource the feed whose registrations these events refer to (applies-to); null: none
     */
    LedgerPlan plan(String registrationSource, List<CanonicalPaymentEvent> read) {
        Held strays = registrationSource == null ? Held.NONE : planStrays(registrationSource);
        if (read.isEmpty()) {
            return strays.plan();
        }
        // One identity: payment_event's key. The page's duplicate check keys on (created, key), so an event read again
        // after its key was pruned, or with another created, passes it; here it is a duplicate, never a second row.
        Set<String> stored = storedKeys(read.stream().map(CanonicalPaymentEvent::idempotencyKey).distinct().toList());
        Map<String, CanonicalPaymentEvent> fresh = new LinkedHashMap<>();
        read.stream().filter(e -> !stored.contains(e.idempotencyKey())).forEach(e -> fresh.putIfAbsent(e.idempotencyKey(), e));
        List<CanonicalPaymentEvent> events = List.copyOf(fresh.values());
        int duplicates = read.size() - events.size();
        if (events.isEmpty()) {
            return LedgerPlan.of(List.of(), duplicates, strays.plan()::write);
        }
        List<CanonicalPaymentEvent> ordered = new ArrayList<>(events);
        ordered.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
        Map<String, Optional<Instant>> registrations = registrationSource == null ? Map.of()
                : paymentEventTimes(registrationSource, ordered.stream().map(CanonicalPaymentEvent::registrationRef)
                        .filter(r -> r != null).distinct().toList());
        // a stray released by this page counts as applied before the page's own events
        strays.times().forEach((ref, at) -> registrations.merge(ref, at, PaymentLedger::newer));
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Object[]> moves = new ArrayList<>();
        List<Object[]> holdings = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        for (CanonicalPaymentEvent e : ordered) {
            PaymentOutcome outcome;
            if (e.paymentStatus() == null || e.registrationRef() == null || registrationSource == null) {
                outcome = PaymentOutcome.NO_EFFECT;
            } else if (!registrations.containsKey(e.registrationRef())) {
                holdings.add(new Object[] {e.idempotencyKey(), registrationSource, e.registrationRef(), Sql.utc(e.createdAt()), now});
                outcome = PaymentOutcome.HELD;
            } else {
                outcome = move(registrations, registrationSource, e, moves, now);
            }
            rows.add(new Object[] {e.idempotencyKey(), e.source(), e.eventId(), e.type(), Sql.utc(e.createdAt()), e.objectId(),
                    e.amountMinor(), e.currency(), e.status(), e.paymentStatus() == null ? null : e.paymentStatus().name(),
                    registrationSource, e.registrationRef(), outcome.name(), outcome == PaymentOutcome.APPLIED ? now : null,
                    now, toJson(e)});
        }
        return LedgerPlan.of(List.copyOf(events), duplicates, () -> {
            strays.plan().write();
            writeMoves(moves);
            if (!holdings.isEmpty()) {
                jdbc.batchUpdate("INSERT INTO payment_holding (event_key, registration_source, registration_ref,"
                        + " created_at, held_at) VALUES (?, ?, ?, ?, ?)", holdings);
            }
            jdbc.batchUpdate("INSERT INTO payment_event (idempotency_key, source, event_id, type, created_at, object_id,"
                    + " amount_minor, currency, status, payment_status, registration_source, registration_ref, outcome,"
                    + " applied_at, received_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
        });
    }

    /**
     * A page of {@code registrationSource} made these registrations current: plans the events held for them, newest
     * first, and their release from holding. Same transaction as the page, written after its ledger rows.
     */
    LedgerPlan planHeld(String registrationSource, List<CanonicalRecord> ledgered) {
        return release(registrationSource, ledgered.stream().map(CanonicalRecord::recordId).distinct().toList()).plan();
    }

    /**
     * Events still held although their registration is ledgered. A registration page and a page of this feed that
     * commit at the same time (a database with more than one connection, e.g. PostgreSQL) do not see each other's
     * rows: this feed holds an event because the registration is not there yet, while the registration's page finds
     * nothing held for it. So each page of this feed applies such strays first, as the registration page would have.
     */
    private Held planStrays(String registrationSource) {
        List<String> refs = jdbc.queryForList("SELECT DISTINCT h.registration_ref FROM payment_holding h JOIN ledger_registration l"
                + " ON l.external_id = h.registration_ref AND l.source = h.registration_source WHERE h.registration_source = ?",
                String.class, registrationSource);
        return refs.isEmpty() ? Held.NONE : release(registrationSource, refs);
    }

    /** The release of events held for {@code refs}, and the status times it leaves those registrations with. */
    private record Held(LedgerPlan plan, Map<String, Optional<Instant>> times) {
        static final Held NONE = new Held(LedgerPlan.NONE, Map.of());
    }

    private static Optional<Instant> newer(Optional<Instant> a, Optional<Instant> b) {
        return a.isEmpty() ? b : b.isEmpty() || a.get().isAfter(b.get()) ? a : b;
    }

    private Held release(String registrationSource, List<String> refs) {
        List<CanonicalPaymentEvent> held = new ArrayList<>();
        for (List<String> chunk : Sql.chunks(refs)) {
            List<Object> args = new ArrayList<>(chunk);
            args.add(registrationSource);
            held.addAll(jdbc.query("SELECT e.payload FROM payment_holding h JOIN payment_event e ON e.idempotency_key = h.event_key"
                    + " WHERE h.registration_ref IN (" + Sql.placeholders(chunk.size()) + ") AND h.registration_source = ?"
                    + " ORDER BY h.created_at DESC", (rs, i) -> fromJson(rs.getString(1)), args.toArray()));
        }
        if (held.isEmpty()) {
            return Held.NONE;
        }
        Map<String, Optional<Instant>> registrations = paymentEventTimes(registrationSource,
                held.stream().map(CanonicalPaymentEvent::registrationRef).distinct().toList());
        held.forEach(e -> registrations.putIfAbsent(e.registrationRef(), Optional.empty())); // ledgered by this very page
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Object[]> moves = new ArrayList<>();
        List<Object[]> outcomes = new ArrayList<>();
        List<Object[]> released = new ArrayList<>();
        for (CanonicalPaymentEvent e : held) {
            PaymentOutcome outcome = move(registrations, registrationSource, e, moves, now);
            outcomes.add(new Object[] {outcome.name(), outcome == PaymentOutcome.APPLIED ? now : null, e.idempotencyKey()});
            released.add(new Object[] {e.idempotencyKey()});
        }
        // the events were delivered when they were read: applying them later sends nothing
        return new Held(LedgerPlan.of(List.of(), 0, () -> {
            writeMoves(moves);
            jdbc.batchUpdate("UPDATE payment_event SET outcome = ?, applied_at = ? WHERE idempotency_key = ?", outcomes);
            jdbc.batchUpdate("DELETE FROM payment_holding WHERE event_key = ?", released);
        }), registrations);
    }

    /** Plans the status move unless a newer event already set it (events own the status once one set it). */
    private static PaymentOutcome move(Map<String, Optional<Instant>> registrations, String source, CanonicalPaymentEvent e,
            List<Object[]> moves, OffsetDateTime now) {
        Optional<Instant> setBy = registrations.get(e.registrationRef());
        if (setBy.isPresent() && setBy.get().isAfter(e.createdAt())) {
            return PaymentOutcome.SUPERSEDED;
        }
        registrations.put(e.registrationRef(), Optional.of(e.createdAt()));
        moves.add(new Object[] {e.paymentStatus().name(), Sql.utc(e.createdAt()), now, e.registrationRef(), source,
                Sql.utc(e.createdAt())});
        return PaymentOutcome.APPLIED;
    }

    private void writeMoves(List<Object[]> moves) {
        if (!moves.isEmpty()) {
            // the condition repeats the plan's: a newer event's time, written meanwhile, still wins
            jdbc.batchUpdate("UPDATE ledger_registration SET payment_status = ?, payment_event_at = ?, last_ledgered_at = ?"
                    + " WHERE external_id = ? AND source = ? AND (payment_event_at IS NULL OR payment_event_at <= ?)", moves);
        }
    }

    /** The keys among {@code keys} that payment_event holds already. */
    private Set<String> storedKeys(List<String> keys) {
        Set<String> stored = new HashSet<>();
        for (List<String> chunk : Sql.chunks(keys)) {
            stored.addAll(jdbc.queryForList("SELECT idempotency_key FROM payment_event WHERE idempotency_key IN ("
                    + Sql.placeholders(chunk.size()) + ")", String.class, chunk.toArray()));
        }
        return stored;
    }

    /** Registration external id → the time of the event that last set its payment status (empty: none did yet). */
    private Map<String, Optional<Instant>> paymentEventTimes(String source, List<String> externalIds) {
        Map<String, Optional<Instant>> times = new HashMap<>();
        for (List<String> chunk : Sql.chunks(externalIds)) {
            List<Object> args = new ArrayList<>(chunk);
            args.add(source);
            jdbc.query("SELECT external_id, payment_event_at FROM ledger_registration WHERE external_id IN ("
                    + Sql.placeholders(chunk.size()) + ") AND source = ?", rs -> {
                OffsetDateTime at = rs.getObject(2, OffsetDateTime.class);
                times.put(rs.getString(1), Optional.ofNullable(at).map(OffsetDateTime::toInstant));
            }, args.toArray());
        }
        return times;
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
