package dev.vendorpoller.failure;

import java.util.Optional;

/** Reading failures the way every layer needs to: through the wrappers Camel and resilience4j put around them. */
public final class Failures {
    /** The most of a vendor's body kept with a failure (dead_letter.response_excerpt holds 2000 characters). */
    public static final int EXCERPT_CHARS = 2000;

    private Failures() {
    }

    /** The first cause of {@code type} in the cause chain of {@code error} (the error itself included). */
    public static <T extends Throwable> Optional<T> find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    /** True when any cause of {@code error} is one of {@code types}. */
    @SafeVarargs
    public static boolean any(Throwable error, Class<? extends Throwable>... types) {
        for (Class<? extends Throwable> type : types) {
            if (find(error, type).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** The classified vendor failure behind what a route caught, or the error itself when none is. */
    public static Throwable vendorCause(Throwable error) {
        return find(error, VendorException.class).<Throwable>map(v -> v).orElse(error);
    }

    /** The start of a vendor's body, kept with a failure: at most {@link #EXCERPT_CHARS} characters. */
    public static String excerpt(Object body) {
        if (body == null) {
            return null;
        }
        String text = body.toString();
        return text.length() <= EXCERPT_CHARS ? text : text.substring(0, EXCERPT_CHARS);
    }
}
