package dev.vendorpoller.config;

/** Start-up configuration error. The message always names the offending property and never echoes a secret value. */
public class ConfigException extends RuntimeException {
    private final String property;

    public ConfigException(String property, String problem) {
        super("Invalid configuration: property '" + property + "' " + problem);
        this.property = property;
    }

    public String property() {
        return property;
    }
}
