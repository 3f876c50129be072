package dev.vendorpoller.support;

import java.net.InetSocketAddress;
import java.net.Socket;
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
}
