package dev.vendorpoller.config;

/** A credential that never prints itself: toString, logs and exception messages see only a mask. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = value;
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
