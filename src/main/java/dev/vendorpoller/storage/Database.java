package dev.vendorpoller.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ServiceSettings;
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

    public Database(ServiceSettings settings) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(settings.dbUrl());
        hikari.setUsername(settings.dbUser());
        hikari.setPassword(settings.dbPassword().reveal());
        hikari.setMaximumPoolSize(settings.dbPoolSize());
        hikari.setPoolName("vendor-poller-db");
        hikari.setInitializationFailTimeout(10_000);
        try {
            this.dataSource = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            // The URL names no secret; the cause's message is from the driver (never the password).
            throw new ConfigException("vendor-poller.db.url", "cannot be opened: " + rootMessage(e));
        }
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
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

    @Override
    public void close() {
        dataSource.close();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
