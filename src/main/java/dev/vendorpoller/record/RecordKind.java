package dev.vendorpoller.record;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.config.ConfigReader;
import java.util.List;
import java.util.function.Function;

/**
 * A kind of record a feed can yield: one folder under {@code record/} (its raw fields, canonical form, contract,
 * settings and ledger) and one entry in the service's list of kinds. A source says which raw type it fills
 * ({@code R}); the kind binds itself to each feed of such a source.
 *
 * @param <R> the raw record a source fills from one vendor record
 */
public interface RecordKind<R> {

    /** The kind's name, e.g. {@code registration}. */
    String name();

    /** The raw record type sources of this kind fill. */
    Class<R> rawType();

    /** The feed keys (relative to {@code vendor-poller.feed.<name>.}) this kind reads for each feed. */
    List<String> keys();

    /**
     * This kind for one feed: its settings read (and checked, naming the property) from {@code prefix}, the source's
     * mapping from a vendor record to the raw fields.
     */
    FeedRecords bind(String feed, String prefix, ConfigReader config, Function<JsonNode, R> mapping);
}
