package dev.vendorpoller.record;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * What every record kind's contract does the same way: read a vendor value as text, turn Bean Validation violations
 * into {@link FieldError}s named as the canonical JSON names them, and make a {@link Rejection} (same reconciliation
 * key for every kind: SHA-256 of feed and raw record).
 */
public final class Contracts {
    private static final Validator VALIDATOR = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

    private final Clock clock;

    public Contracts(Clock clock) {
        this.clock = clock;
    }

    /** This service's time now, the one rejects are stamped with. */
    public Instant now() {
        return clock.instant();
    }

    /** A vendor value as trimmed text; null for missing, JSON null, blank, an object or an array. */
    public static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return null;
        }
        String text = node.asText();
        return text.isBlank() ? null : text.trim();
    }

    /**
     * Validates {@code canonical} and adds one error per field not already explained by an interpretation error.
     *
     * @param fieldNames Java property → canonical JSON field, for properties whose names differ
     * @param unexplained a field whose violation says nothing new (e.g. the key, when what it is made of is missing)
     */
    public static void validate(Object canonical, Map<String, String> fieldNames, List<FieldError> errors, String unexplained) {
        for (ConstraintViolation<Object> v : VALIDATOR.validate(canonical)) {
            String field = fieldNames.getOrDefault(v.getPropertyPath().toString(), v.getPropertyPath().toString());
            boolean alreadyExplained = errors.stream().anyMatch(e -> e.field().equals(field));
            if (!alreadyExplained && !field.equals(unexplained)) {
                errors.add(new FieldError(field, code(v), v.getMessage()));
            }
        }
    }

    /** Contracts that date their rejections by the system clock. */
    public static Contracts system() {
        return new Contracts(Clock.systemUTC());
    }

    /**
     * One vendor record through a source's mapping and a kind's contract. Never throws: a record that is not a JSON
     * object, or that the mapping cannot read, is that record's reject.
     */
    public <R> ContractResult check(String feed, JsonNode record, Function<JsonNode, R> mapping,
            Function<R, ContractResult> contract) {
        try {
            if (record == null || !record.isObject()) {
                return ContractResult.rejected(reject(feed, null, record,
                        List.of(new FieldError("$", "not_an_object", "record is not a JSON object"))));
            }
            return contract.apply(mapping.apply(record));
        } catch (RuntimeException e) {
            return ContractResult.rejected(reject(feed, null, record,
                    List.of(new FieldError("$", "processing_error", String.valueOf(e)))));
        }
    }

    /** The rejection for a record that failed; errors are sorted by field, then code. */
    public Rejection reject(String feed, String externalId, JsonNode raw, List<FieldError> errors) {
        List<FieldError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::code));
        String rawText = raw == null ? "null" : raw.toString();
        return new Rejection(Hashes.sha256Hex(feed, rawText), feed, externalId, clock.instant(), List.copyOf(sorted), raw);
    }

    private static String code(ConstraintViolation<?> v) {
        String name = v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName();
        return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
