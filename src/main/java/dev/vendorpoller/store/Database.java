package dev.vendorpoller.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vendorpoller.config.ConfigException;
import java.util.Locale;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one database: a pooled DataSource, its Flyway schema history, and the Spring JDBC pair that lets every write of
 * a page (camel-sql's idempotent repository included) join one transaction.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final boolean postgres;

    public Database(StoreSettings settings) {
        this.postgres = settings.dbUrl().startsWith("jdbc:postgresql:");
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(jdbcUrl(settings.dbUrl()));
        hikari.setUsername(settings.dbUser());
        hikari.setPassword(settings.dbPassword().reveal());
        hikari.setMaximumPoolSize(settings.dbPoolSize());
        hikari.setPoolName("vendor-poller-db");
        hikari.setInitializationFailTimeout(10_000);
        try {
            this.dataSource = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            // The URL names no secret; the cause's message is from the driver (never the password).
            String cause = rootMessage(e);
            if (settings.dbUrl().startsWith("jdbc:h2:file:") && cause != null
                    && (cause.contains("already in use") || cause.contains("file is locked"))) {
                throw new ConfigException("vendor-poller.db.url", "is an embedded H2 file that another process (a"
                        + " second node, or a database tool) has open. Embedded H2 is single-node: stop the other"
                        + " process, or run several nodes on one PostgreSQL database (vendor-poller.db.url ="
                        + " jdbc:postgresql://…); H2 said: " + cause);
            }
            throw new ConfigException("vendor-poller.db.url", "cannot be opened: " + cause);
        }
        // Flyway holds a lock connection while it migrates on another one: give it its own driver connections, so
        // a pool of one (the embedded-H2 default) is enough for the service.
        Flyway.configure().dataSource(hikari.getJdbcUrl(), settings.dbUser(), settings.dbPassword().reveal())
                .locations(locations(settings.dbUrl())).load().migrate();
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public JdbcTemplate jdbc() {
        return jdbc;
    }

    public TransactionTemplate tx() {
        return tx;
    }

    /** PostgreSQL (several nodes may share it) rather than embedded H2 (one node). */
    public boolean postgres() {
        return postgres;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /** The schema's migrations; on PostgreSQL also Quartz's tables, for several nodes on one database. */
    static String[] locations(String url) {
        return url.startsWith("jdbc:postgresql:")
                ? new String[] {"classpath:db/migration", "classpath:db/cluster/postgresql"}
                : new String[] {"classpath:db/migration"};
    }

    /**
     * H2 closes an embedded database from its own JVM shutdown hook, concurrently with Camel's graceful shutdown, so
     * on SIGTERM the in-flight page commit and outbox delivery failed with "Database is already closed". The pool is
     * closed when the Camel context stops (after its routes), which closes the database, so H2's hook is turned off.
     */
    static String jdbcUrl(String url) {
        boolean h2 = url.startsWith("jdbc:h2:");
        return h2 && !url.toUpperCase(Locale.ROOT).contains("DB_CLOSE_ON_EXIT") ? url + ";DB_CLOSE_ON_EXIT=FALSE" : url;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
