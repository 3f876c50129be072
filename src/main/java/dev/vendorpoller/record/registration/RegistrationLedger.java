package dev.vendorpoller.record.registration;

import dev.vendorpoller.record.payment.PaymentLedger;
import dev.vendorpoller.record.registration.CanonicalRegistration;
import dev.vendorpoller.store.Sql;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Applies new record versions to ledger_registration: upsert by (source, external_id), the newest
 * source_updated_at wins, and versions_seen counts every version that reached the ledger (so a version applied twice
 * would show). Batched per page; runs inside the page transaction. Portable SQL: select, then insert or update.
 */
public final class RegistrationLedger {
    private final JdbcTemplate jdbc;

    public RegistrationLedger(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** @return the versions that became the ledger's current version (the ones worth sending downstream) */
    public List<CanonicalRegistration> apply(String source, List<CanonicalRegistration> versions) {
        if (versions.isEmpty()) {
            return List.of();
        }
        // Within a page the same record may come twice: keep the newest, count them all.
        Map<String, CanonicalRegistration> newest = new LinkedHashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (CanonicalRegistration r : versions) {
            newest.merge(r.externalId(), r, (a, b) -> b.sourceUpdatedAt().isAfter(a.sourceUpdatedAt()) ? b : a);
            counts.merge(r.externalId(), 1, Integer::sum);
        }
        Map<String, Instant> current = currentVersions(source, new ArrayList<>(newest.keySet()));
        OffsetDateTime now = OffsetDateTime.now(java.time.ZoneOffset.UTC);
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> updates = new ArrayList<>();
        List<Object[]> countOnly = new ArrayList<>();
        List<CanonicalRegistration> applied = new ArrayList<>();
        for (CanonicalRegistration r : newest.values()) {
            Instant existing = current.get(r.externalId());
            int n = counts.get(r.externalId());
            if (existing == null) {
                inserts.add(new Object[] {source, r.externalId(), r.idempotencyKey(), r.email(), r.ticketTier().name(),
                        r.paymentStatus().name(), Sql.utc(r.registeredAt()), Sql.utc(r.sourceUpdatedAt()), r.metadata().toString(), n, now, now});
                applied.add(r);
            } else if (r.sourceUpdatedAt().isAfter(existing)) {
                updates.add(new Object[] {r.idempotencyKey(), r.email(), r.ticketTier().name(), r.paymentStatus().name(),
                        Sql.utc(r.registeredAt()), Sql.utc(r.sourceUpdatedAt()), r.metadata().toString(), n, now, source, r.externalId()});
                applied.add(r);
            } else {
                countOnly.add(new Object[] {n, source, r.externalId()});
            }
        }
        if (!inserts.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO ledger_registration (source, external_id, idempotency_key, email, ticket_tier,"
                    + " payment_status, registered_at, source_updated_at, metadata, versions_seen, first_ledgered_at,"
                    + " last_ledgered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", inserts);
        }
        if (!updates.isEmpty()) {
            // once a payment event has set the payment status (payment_event_at), events own it: see PaymentLedger
            jdbc.batchUpdate("UPDATE ledger_registration SET idempotency_key = ?, email = ?, ticket_tier = ?,"
                    + " payment_status = CASE WHEN payment_event_at IS NULL THEN ? ELSE payment_status END,"
                    + " registered_at = ?, source_updated_at = ?, metadata = ?,"
                    + " versions_seen = versions_seen + ?, last_ledgered_at = ? WHERE source = ? AND external_id = ?", updates);
        }
        if (!countOnly.isEmpty()) {
            jdbc.batchUpdate("UPDATE ledger_registration SET versions_seen = versions_seen + ?"
                    + " WHERE source = ? AND external_id = ?", countOnly);
        }
        return applied;
    }

    private Map<String, Instant> currentVersions(String source, List<String> ids) {
        Map<String, Instant> current = new HashMap<>();
        for (List<String> chunk : Sql.chunks(ids)) {
            List<Object> args = new ArrayList<>(chunk.size() + 1);
            args.add(source);
            args.addAll(chunk);
            jdbc.query("SELECT external_id, source_updated_at FROM ledger_registration WHERE source = ? AND external_id IN ("
                    + Sql.placeholders(chunk.size()) + ")", rs -> {
                current.put(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant());
            }, args.toArray());
        }
        return current;
    }

}
