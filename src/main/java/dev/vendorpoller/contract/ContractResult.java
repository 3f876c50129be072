package dev.vendorpoller.contract;

import com.fasterxml.jackson.databind.JsonNode;

/** The outcome of checking one vendor record against the contract: a canonical record or a rejection. */
public sealed interface ContractResult {

    record Valid(CanonicalRegistration registration) implements ContractResult {
    }

    record Rejected(Rejection rejection) implements ContractResult {
    }

    static ContractResult valid(CanonicalRegistration registration) {
        return new Valid(registration);
    }

    static ContractResult rejected(Rejection rejection) {
        return new Rejected(rejection);
    }

    /** Raw record, kept for callers that need it whatever the outcome. */
    default JsonNode rawOrNull() {
        return this instanceof Rejected r ? r.rejection().raw() : null;
    }
}
