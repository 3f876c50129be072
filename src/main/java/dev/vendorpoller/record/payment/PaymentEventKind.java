package dev.vendorpoller.record.payment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.record.Contracts;
import dev.vendorpoller.record.FeedRecords;
import dev.vendorpoller.record.KindBinding;
import dev.vendorpoller.record.RecordKind;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Payment events (e.g. Stripe's): immutable events kept in payment_event and applied to the registrations of the feed
 * named by {@code applies-to}; an event whose registration has not arrived yet waits for it.
 */
public final class PaymentEventKind implements RecordKind<RawPaymentEvent> {
    public static final String NAME = "payment-event";
    public static final String APPLIES_TO = "applies-to";
    /** The feed keys this kind reads. */
    public static final List<String> KEYS = List.of(APPLIES_TO);

    private final PaymentLedger ledger;
    private final Contracts contracts;

    public PaymentEventKind(JdbcTemplate jdbc, ObjectMapper json, Contracts contracts) {
        this.ledger = new PaymentLedger(jdbc, json);
        this.contracts = contracts;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<RawPaymentEvent> rawType() {
        return RawPaymentEvent.class;
    }

    @Override
    public List<String> keys() {
        return KEYS;
    }

    @Override
    public FeedRecords bind(String feed, String prefix, ConfigReader config, Function<JsonNode, RawPaymentEvent> mapping) {
        PaymentEventContract contract = new PaymentEventContract(feed, contracts, FeedConfigLoader.clockSkew(config, prefix));
        Optional<String> appliesTo = config.optional(prefix + APPLIES_TO);
        return new KindBinding<>(NAME, feed, contracts, mapping, contract::check, CanonicalPaymentEvent.class,
                events -> ledger.plan(appliesTo.orElse(null), events),
                appliesTo.map(source -> new FeedRecords.Follow(source, prefix + APPLIES_TO, ledger::planHeld)));
    }
}
