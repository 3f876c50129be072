package dev.vendorpoller.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Reading the H2 file a killed service left (a copy of it), for the kill-restart tests. */
final class KilledDatabase {
    private KilledDatabase() {
    }

    /** True once the service's schema was migrated into the file (a kill during start-up may come before). */
    static boolean hasSchema(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
            return count(st, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME IN"
                    + " ('FEED_CURSOR', 'LEDGER_REGISTRATION', 'REJECTED_RECORD', 'CAMEL_MESSAGEPROCESSED', 'OUTBOX', 'DEAD_LETTER')") == 6;
        }
    }

    static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
