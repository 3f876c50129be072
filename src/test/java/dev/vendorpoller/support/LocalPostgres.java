package dev.vendorpoller.support;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/** The machine's PostgreSQL 15 (127.0.0.1:5432, trust auth, database test), which .ci/run starts when it is down. */
public final class LocalPostgres {
    public static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private LocalPostgres() {
    }

    /** Skips the test when nothing listens on 5432, except under CI=true, where PostgreSQL must be there. */
    public static void assumeUp() {
        boolean up;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5432), 1000);
            up = true;
        } catch (java.io.IOException e) {
            up = false;
        }
        Assumptions.assumeTrue(up || "true".equals(System.getenv("CI")), "PostgreSQL is not listening on 127.0.0.1:5432");
    }

    /** A new, empty schema with a random name starting with {@code prefix}: a fresh database per test. */
    public static String createSchema(String prefix) throws SQLException {
        String schema = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(URL, "postgres", "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        return schema;
    }

    /** The JDBC URL of {@code schema} on this PostgreSQL. */
    public static String url(String schema) {
        return URL + "?currentSchema=" + schema;
    }

    public static void dropSchema(String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, "postgres", "")) {
            c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
