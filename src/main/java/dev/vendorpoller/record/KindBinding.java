package dev.vendorpoller.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link FeedRecords} made of a kind's parts: the source's mapping and the kind's contract for the check, the kind's
 * ledger for the plan. Every kind binds a feed with one of these.
 *
 * @param <R> the kind's raw record
 * @param <C> the kind's canonical record
 */
public final class KindBinding<R, C extends CanonicalRecord> implements FeedRecords {
    private final String kind;
    private final String feed;
    private final Contracts contracts;
    private final Function<JsonNode, R> mapping;
    private final Function<R, ContractResult> contract;
    private final Class<C> canonical;
    private final Function<List<C>, LedgerPlan> ledger;
    private final Optional<Follow> follows;

    /**
     * @param contract  the kind's contract with the feed's settings
     * @param canonical the canonical type the contract makes (new versions are handed to {@code ledger} as such)
     * @param ledger    plans the rows of the feed's new versions
     * @param follows   the feed this one's records wait for, if any
     */
    public KindBinding(String kind, String feed, Contracts contracts, Function<JsonNode, R> mapping,
            Function<R, ContractResult> contract, Class<C> canonical, Function<List<C>, LedgerPlan> ledger,
            Optional<Follow> follows) {
        this.kind = kind;
        this.feed = feed;
        this.contracts = contracts;
        this.mapping = mapping;
        this.contract = contract;
        this.canonical = canonical;
        this.ledger = ledger;
        this.follows = follows;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public ContractResult check(JsonNode vendorRecord) {
        return contracts.check(feed, vendorRecord, mapping, contract);
    }

    @Override
    public LedgerPlan plan(List<CanonicalRecord> fresh) {
        return ledger.apply(fresh.stream().map(canonical::cast).toList());
    }

    @Override
    public Optional<Follow> follows() {
        return follows;
    }
}
