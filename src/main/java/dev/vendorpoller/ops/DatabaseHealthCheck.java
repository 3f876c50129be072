package dev.vendorpoller.ops;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.springframework.jdbc.core.JdbcTemplate;

/** Readiness: the database answers. Without it no page can commit. */
public final class DatabaseHealthCheck extends ReadinessCheck {
    private final JdbcTemplate jdbc;

    public DatabaseHealthCheck(JdbcTemplate jdbc) {
        super("database");
        this.jdbc = jdbc;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            jdbc.queryForObject("SELECT 1", Integer.class);
            builder.up();
        } catch (RuntimeException e) {
            builder.error(e).message("database unreachable").down();
        }
    }
}
