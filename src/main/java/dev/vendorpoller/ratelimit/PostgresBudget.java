package dev.vendorpoller.ratelimit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The cluster's shared budget in PostgreSQL (tables {@code budget_spend}, {@code budget_account}, {@code account_breaker}
 * and the functions {@code budget_grant} and {@code budget_answered}, migration V14_3): one round trip per grant attempt
 * and one per answer, on the database's clock. The attempt runs under the account row's lock, so two nodes never both
 * take the last request of a window. Each call is its own transaction on a connection of its own, never the caller's:
 * a grant that joined a page or delivery transaction would hold the account's row lock, and every node's grants, until
 * that transaction ended. See docs/cluster.md "One budget per vendor account".
 */
public final class PostgresBudget implements SharedBudget {
    /** How long an unanswered request counts as in flight at most: past the HTTP response timeout, for a node that died. */
    static final long IN_FLIGHT_LEASE_MILLIS = 60_000;

    private final DataSource dataSource;
    private final String node;
    private final AtomicLong roundTrips = new AtomicLong();

    public PostgresBudget(DataSource dataSource, String node) {
        this.dataSource = dataSource;
        this.node = node;
    }

    @Override
    public Attempt tryGrant(String account, GovernorSettings settings) {
        List<RateTier> tiers = settings.tiers();
        Integer[] limits = tiers.stream().map(t -> (int) settings.usable(t.limit())).toArray(Integer[]::new);
        Long[] spans = tiers.stream().map(t -> t.window().toMillis() + Governor.EDGE_MILLIS).toArray(Long[]::new);
        int cap = settings.maxConcurrent() == Integer.MAX_VALUE ? 0 : settings.maxConcurrent();
        return call("SELECT * FROM budget_grant(?, ?, ?, ?, ?, ?)", (c, ps) -> {
            ps.setString(1, account);
            ps.setString(2, node);
            ps.setArray(3, c.createArrayOf("int4", limits));
            ps.setArray(4, c.createArrayOf("int8", spans));
            ps.setInt(5, cap);
            ps.setLong(6, IN_FLIGHT_LEASE_MILLIS);
            try (var rs = ps.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                boolean granted = !rs.wasNull();
                return new Attempt(granted ? id : -1, rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getLong(5));
            }
        });
    }

    @Override
    public void answered(long id) {
        call("SELECT budget_answered(?)", (c, ps) -> {
            ps.setLong(1, id);
            return ps.execute();
        });
    }

    @Override
    public void pause(String account, long millis, String reason) {
        call("INSERT INTO budget_account (account, paused_until, pause_reason) VALUES (?, clock_timestamp()"
                + " + ? * INTERVAL '1 millisecond', ?) ON CONFLICT (account) DO UPDATE SET paused_until ="
                + " GREATEST(budget_account.paused_until, EXCLUDED.paused_until), pause_reason = CASE WHEN"
                + " EXCLUDED.paused_until > budget_account.paused_until THEN EXCLUDED.pause_reason"
                + " ELSE budget_account.pause_reason END", (c, ps) -> {
                    ps.setString(1, account);
                    ps.setLong(2, millis);
                    ps.setString(3, reason);
                    return ps.executeUpdate();
                });
    }

    @Override
    public void openBreaker(String account, long millis, String reason) {
        String why = reason.length() > 300 ? reason.substring(0, 300) : reason;
        call("INSERT INTO account_breaker (account, open_until, reason, node) VALUES (?, clock_timestamp()"
                + " + ? * INTERVAL '1 millisecond', ?, ?) ON CONFLICT (account) DO UPDATE SET"
                + " open_until = EXCLUDED.open_until, reason = EXCLUDED.reason, node = EXCLUDED.node", (c, ps) -> {
                    ps.setString(1, account);
                    ps.setLong(2, millis);
                    ps.setString(3, why);
                    ps.setString(4, node);
                    return ps.executeUpdate();
                });
    }

    /** Database round trips this node made for the shared budget (benchmarks: per request granted). */
    public long roundTrips() {
        return roundTrips.get();
    }

    public String node() {
        return node;
    }

    private interface Statement<T> {
        T run(Connection c, PreparedStatement ps) throws SQLException;
    }

    /** One statement in a transaction of its own (autocommit), on a connection of its own. */
    private <T> T call(String sql, Statement<T> statement) {
        roundTrips.incrementAndGet();
        try (Connection c = dataSource.getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                return statement.run(c, ps);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("shared budget: " + e.getMessage(), e);
        }
    }
}
