package dev.vendorpoller.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vendorpoller.config.ConfigException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A feed's {@code sink-fields}: which field of the vendor's request body takes which value of the canonical
 * registration JSON, {@code vendorField:canonicalPath,…} (e.g. {@code email:email,name:metadata.full_name}). A path is
 * a canonical field, or a dotted path into {@code metadata}. A source value that is missing or JSON null leaves the
 * vendor field out (it is never sent as null). Values keep their JSON type; a path to an object copies the object.
 * Without {@code sink-fields} the canonical JSON is sent as it is ({@link #IDENTITY}).
 * <p>
 * Applied by the outbox drain at delivery time, so the outbox keeps the canonical payload: a changed mapping applies
 * to what is still undelivered, and a replayed dead letter is mapped as configured when it is sent again.
 */
public final class SinkMapping {
    public static final String KEY = "sink-fields";
    /** Sends the canonical JSON unchanged. */
    public static final SinkMapping IDENTITY = new SinkMapping(Map.of());

    /** The canonical registration's top-level fields (CanonicalRegistration); only metadata has fields below it. */
    static final Set<String> CANONICAL = Set.of("idempotency_key", "source", "external_id", "email", "ticket_tier",
            "payment_status", "registered_at", "source_updated_at", "metadata");
    private static final Pattern VENDOR_FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,99}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** vendor field → path segments into the canonical JSON, in configured order. */
    private final Map<String, List<String>> fields;

    private SinkMapping(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /** Parses {@code vendorField:canonicalPath,…}; a bad entry throws a ConfigException naming {@code property}. */
    public static SinkMapping parse(String property, String spec) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (String raw : spec.split(",", -1)) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                if (spec.isBlank()) {
                    break;
                }
                throw new ConfigException(property, "has an empty entry: use vendorField:canonicalPath,…");
            }
            int colon = entry.indexOf(':');
            if (colon < 0 || entry.indexOf(':', colon + 1) >= 0) {
                throw new ConfigException(property, "entry '" + entry + "' must look like vendorField:canonicalPath");
            }
            String vendorField = entry.substring(0, colon).trim();
            String path = entry.substring(colon + 1).trim();
            if (!VENDOR_FIELD.matcher(vendorField).matches()) {
                throw new ConfigException(property, "entry '" + entry + "' has vendor field '" + vendorField
                        + "': use letters, digits, '_' and '-', starting with a letter or '_'");
            }
            if (fields.containsKey(vendorField)) {
                throw new ConfigException(property, "maps vendor field '" + vendorField + "' twice");
            }
            fields.put(vendorField, path(property, entry, path));
        }
        if (fields.isEmpty()) {
            throw new ConfigException(property, "is empty: leave it out to send the canonical JSON as it is");
        }
        return new SinkMapping(Collections.unmodifiableMap(fields));
    }

    private static List<String> path(String property, String entry, String path) {
        List<String> segments = List.of(path.split("\\.", -1));
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new ConfigException(property, "entry '" + entry + "' has path '" + path
                        + "': use dotted names, e.g. email or metadata.full_name");
            }
        }
        String top = segments.get(0);
        if (!CANONICAL.contains(top)) {
            throw new ConfigException(property, "entry '" + entry + "' names '" + top + "', not a canonical field (known: "
                    + String.join(", ", CANONICAL.stream().sorted().toList()) + ")");
        }
        if (segments.size() > 1 && !"metadata".equals(top)) {
            throw new ConfigException(property, "entry '" + entry + "' goes into '" + top
                    + "', which has no fields: only metadata.* paths go deeper");
        }
        return segments;
    }

    public boolean isIdentity() {
        return fields.isEmpty();
    }

    /** The vendor's body for one canonical registration JSON. */
    public String apply(String canonicalJson) {
        if (isIdentity()) {
            return canonicalJson;
        }
        try {
            JsonNode source = JSON.readTree(canonicalJson);
            ObjectNode body = JSON.createObjectNode();
            fields.forEach((vendorField, path) -> {
                JsonNode value = source;
                for (String segment : path) {
                    value = value == null ? null : value.get(segment);
                }
                if (value != null && !value.isNull()) {
                    body.set(vendorField, value);
                }
            });
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("sink payload is not JSON, cannot apply sink-fields: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public String toString() {
        if (isIdentity()) {
            return "canonical JSON";
        }
        StringBuilder out = new StringBuilder();
        fields.forEach((f, p) -> out.append(out.length() == 0 ? "" : ",").append(f).append(':').append(String.join(".", p)));
        return out.toString();
    }
}
