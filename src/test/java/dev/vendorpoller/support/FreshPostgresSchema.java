package dev.vendorpoller.support;

import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.StoreSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For tests of the store on PostgreSQL: before each test a new, empty schema on the machine's PostgreSQL, migrated by
 * the service's own {@link Database} ({@link #db}); after it, the database closed and the schema dropped. Two nodes
 * of a cluster are two {@link #openDatabase() pools} on the one schema.
 */
public abstract class FreshPostgresSchema {
    private final String prefix;
    protected String schema;
    protected Database db;

    protected FreshPostgresSchema(String prefix) {
        this.prefix = prefix;
    }

    @BeforeEach
    void freshSchema() throws Exception {
        LocalPostgres.assumeUp();
        schema = LocalPostgres.createSchema(prefix);
        db = openDatabase();
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (db != null) {
            db.close();
        }
        if (schema != null) {
            LocalPostgres.dropSchema(schema);
        }
    }

    /** Another pool on the test's schema (another node); the test closes it. */
    protected Database openDatabase() {
        return new Database(StoreSettings.of(LocalPostgres.url(schema), "postgres"));
    }
}
