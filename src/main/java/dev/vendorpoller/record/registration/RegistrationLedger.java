package dev.vendorpoller.record.registration;

import dev.vendorpoller.record.CanonicalRecord;
import dev.vendorpoller.record.LedgerPlan;
import dev.vendorpoller.store.Sql;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * ledger_registration: one row per (source, external_id), the newest source_updated_at winning; versions_seen counts
 * every version that reached it (so a version applied twice would show). A page's versions are planned in one read of
 * the current versions and written in at most three batches, inside the page transaction. Portable SQL: select, then
 * insert or update.
 */
public final class RegistrationLedger {
    private final JdbcTemplate jdbc;

    public RegistrationLedger(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The rows new versions of {@code source}'s registrations lead to; the plan's current ones are worth sending on. */
    public LedgerPlan plan(String source, List<CanonicalRegistration> versions) {
        return plan(source, versions, Instant.MAX);
    }

    /**
     * @param latest a ledgered version time beyond it (now + clock-skew) came from a bad clock, before the contract
     *               rejected such times: any version read now replaces it, so one bad time cannot freeze a row
     */
    public LedgerPlan plan(String source, List<CanonicalRegistration> versions, Instant latest) {
        if (versions.isEmpty()) {
            return LedgerPlan.NONE;
        }
        // Within a page the same record may come twice: keep the newest, count them all.
        Map<String, CanonicalRegistration> newest = new LinkedHashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (CanonicalRegistration r : versions) {
            // the same version time twice: the one read later is the vendor's later word
            newest.merge(r.externalId(), r, (a, b) -> b.sourceUpdatedAt().isBefore(a.sourceUpdatedAt()) ? a : b);
            counts.merge(r.externalId(), 1, Integer::sum);
        }
        Map<String, Stored> stored = currentVersions(source, new ArrayList<>(newest.keySet()));
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> updates = new ArrayList<>();
        List<Object[]> countOnly = new ArrayList<>();
        List<CanonicalRecord> current = new ArrayList<>();
        for (CanonicalRegistration r : newest.values()) {
            Stored existing = stored.get(r.externalId());
            int n = counts.get(r.externalId());
            if (existing == null) {
                inserts.add(new Object[] {source, r.externalId(), r.idempotencyKey(), r.email(), r.ticketTier().name(),
                        r.paymentStatus().name(), Sql.utc(r.registeredAt()), Sql.utc(r.sourceUpdatedAt()), r.metadata().toString(),
                        r.contentDigest(), n, now, now});
                current.add(r);
            } else if (existing.replacedBy(r) || existing.versionTime().isAfter(latest)) {
                updates.add(new Object[] {r.idempotencyKey(), r.email(), r.ticketTier().name(), r.paymentStatus().name(),
                        Sql.utc(r.registeredAt()), Sql.utc(r.sourceUpdatedAt()), r.metadata().toString(), r.contentDigest(), n, now,
                        source, r.externalId()});
                current.add(r);
            } else if (!existing.sameVersion(r)) {
                countOnly.add(new Object[] {n, source, r.externalId()});
            } // else: the ledgered version itself, read again under a key it was not stored with (before V12_1): nothing to count
        }
        int stale = versions.size() - current.size(); // older than the ledger's, the same version again, or than another in this page
        return LedgerPlan.of(current, stale, () -> writeRows(inserts, updates, countOnly));
    }

    private void writeRows(List<Object[]> inserts, List<Object[]> updates, List<Object[]> countOnly) {
        if (!inserts.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO ledger_registration (source, external_id, idempotency_key, email, ticket_tier,"
                    + " payment_status, registered_at, source_updated_at, metadata, content_digest, versions_seen, first_ledgered_at,"
                    + " last_ledgered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", inserts);
        }
        if (!updates.isEmpty()) {
            // once a payment event has set the payment status (payment_event_at), events own it: see PaymentLedger
            jdbc.batchUpdate("UPDATE ledger_registration SET idempotency_key = ?, email = ?, ticket_tier = ?,"
                    + " payment_status = CASE WHEN payment_event_at IS NULL THEN ? ELSE payment_status END,"
                    + " registered_at = ?, source_updated_at = ?, metadata = ?, content_digest = ?,"
                    + " versions_seen = versions_seen + ?, last_ledgered_at = ? WHERE source = ? AND external_id = ?", updates);
        }
        if (!countOnly.isEmpty()) {
            jdbc.batchUpdate("UPDATE ledger_registration SET versions_seen = versions_seen + ?"
                    + " WHERE source = ? AND external_id = ?", countOnly);
        }
    }

    /**
     * The ledgered version of a record: its time and content digest. Rows from before V12_1 have no digest; it is
     * derived from their columns unless a payment event has since owned the payment status (then unknown: the same
     * version time counts as the same version, as it did before).
     */
    record Stored(Instant versionTime, String contentDigest) {
        /** A newer version time wins; the same time wins with other content (a change within the vendor's resolution). */
        boolean replacedBy(CanonicalRegistration r) {
            return r.sourceUpdatedAt().isAfter(versionTime) || r.sourceUpdatedAt().equals(versionTime)
                    && contentDigest != null && !contentDigest.equals(r.contentDigest());
        }

        boolean sameVersion(CanonicalRegistration r) {
            return r.sourceUpdatedAt().equals(versionTime) && (contentDigest == null || contentDigest.equals(r.contentDigest()));
        }
    }

    private Map<String, Stored> currentVersions(String source, List<String> ids) {
        Map<String, Stored> current = new HashMap<>();
        for (List<String> chunk : Sql.chunks(ids)) {
            List<Object> args = new ArrayList<>(chunk.size() + 1);
            args.add(source);
            args.addAll(chunk);
            jdbc.query("SELECT external_id, source_updated_at, content_digest, email, ticket_tier, payment_status, registered_at,"
                    + " metadata, payment_event_at FROM ledger_registration WHERE source = ? AND external_id IN ("
                    + Sql.placeholders(chunk.size()) + ")", rs -> {
                Instant updatedAt = rs.getObject(2, OffsetDateTime.class).toInstant();
                String digest = rs.getString(3);
                if (digest == null && rs.getObject(9) == null) {
                    digest = CanonicalRegistration.digest(rs.getString(4), rs.getString(5), rs.getString(6),
                            rs.getObject(7, OffsetDateTime.class).toInstant(), updatedAt, rs.getString(8));
                }
                current.put(rs.getString(1), new Stored(updatedAt, digest));
            }, args.toArray());
        }
        return current;
    }
}
