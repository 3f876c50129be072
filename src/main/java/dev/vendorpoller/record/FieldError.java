package dev.vendorpoller.record;

/** One reason a record was rejected: which canonical field, a stable machine code, a human message. */
public record FieldError(String field, String code, String message) {
}
