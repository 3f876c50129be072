package dev.vendorpoller.record;

/** The outcome of checking one vendor record against its kind's contract: a canonical record or a rejection. */
public sealed interface ContractResult {

    record Valid(CanonicalRecord record) implements ContractResult {
    }

    record Rejected(Rejection rejection) implements ContractResult {
    }

    static ContractResult valid(CanonicalRecord record) {
        return new Valid(record);
    }

    static ContractResult rejected(Rejection rejection) {
        return new Rejected(rejection);
    }
}
