package dev.vendorpoller.record.registration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.record.Contracts;
import dev.vendorpoller.record.FeedRecords;
import dev.vendorpoller.record.KindBinding;
import dev.vendorpoller.record.RecordKind;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.jdbc.core.JdbcTemplate;

/** Registrations (attendees, sign-ups): the kind most feeds yield. Ledger: ledger_registration. */
public final class RegistrationKind implements RecordKind<RawRegistration> {
    public static final String NAME = "registration";

    private final RegistrationLedger ledger;
    private final Contracts contracts;

    public RegistrationKind(JdbcTemplate jdbc, Contracts contracts) {
        this.ledger = new RegistrationLedger(jdbc);
        this.contracts = contracts;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<RawRegistration> rawType() {
        return RawRegistration.class;
    }

    @Override
    public List<String> keys() {
        return RegistrationSettings.KEYS;
    }

    @Override
    public FeedRecords bind(String feed, String prefix, ConfigReader config, Function<JsonNode, RawRegistration> mapping) {
        Duration clockSkew = FeedConfigLoader.clockSkew(config, prefix);
        RegistrationContract contract = new RegistrationContract(feed, RegistrationSettings.load(config, prefix), contracts, clockSkew);
        return new KindBinding<>(NAME, feed, contracts, mapping, contract::check, CanonicalRegistration.class,
                versions -> ledger.plan(feed, versions, contracts.now().plus(clockSkew)), Optional.empty());
    }
}
