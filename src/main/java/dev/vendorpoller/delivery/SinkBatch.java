package dev.vendorpoller.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A sink's batch ({@code sink-batch-size} above 1): one request carrying several messages as a JSON array, each element
 * the message's body (mapped by sink-fields) with its own {@code idempotency_key}, and the batch's own key — derived from
 * its members' keys, so the same batch sent again carries the same key — in the {@value #HEADER} header.
 */
final class SinkBatch {
    static final String HEADER = "Batch-Key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SinkBatch() {
    }

    /** The pass's messages in requests of at most {@code size} messages each, in order. */
    static List<List<OutboxMessage>> split(List<OutboxMessage> messages, int size) {
        List<List<OutboxMessage>> batches = new ArrayList<>((messages.size() + size - 1) / size);
        for (int i = 0; i < messages.size(); i += size) {
            batches.add(List.copyOf(messages.subList(i, Math.min(messages.size(), i + size))));
        }
        return batches;
    }

    /** SHA-256 hex of the members' idempotency keys, in order. */
    static String key(List<OutboxMessage> batch) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (OutboxMessage m : batch) {
                sha256.update(m.idempotencyKey().getBytes(StandardCharsets.UTF_8));
                sha256.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String body(List<OutboxMessage> batch, SinkMapping mapping) {
        if (mapping.isIdentity()) {
            // canonical JSON objects, each with its idempotency_key already: joined as they are, nothing parsed
            StringBuilder out = new StringBuilder(batch.size() * (batch.get(0).payload().length() + 1) + 2).append('[');
            for (int i = 0; i < batch.size(); i++) {
                out.append(i == 0 ? "" : ",").append(batch.get(i).payload());
            }
            return out.append(']').toString();
        }
        ArrayNode array = JSON.createArrayNode();
        try {
            for (OutboxMessage m : batch) {
                JsonNode element = JSON.readTree(mapping.apply(m.payload()));
                if (element instanceof ObjectNode o && !o.has("idempotency_key")) {
                    o.put("idempotency_key", m.idempotencyKey()); // the receiver needs it per element, mapped or not
                }
                array.add(element);
            }
            return JSON.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a sink payload is not JSON, cannot batch it: " + e.getOriginalMessage(), e);
        }
    }
}
