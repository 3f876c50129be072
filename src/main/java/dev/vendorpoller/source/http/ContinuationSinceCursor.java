package dev.vendorpoller.source.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.failure.VendorRequestRejectedException;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.record.Timestamps;
import dev.vendorpoller.source.Page;
import dev.vendorpoller.source.scan.Lookback;
import dev.vendorpoller.source.scan.ScanCursor;
import dev.vendorpoller.source.scan.ScanState;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code cursor-style = continuation-since}: incremental scans by modification time. A scan asks for the records
 * changed since the high-water mark (the newest {@code since-field} timestamp seen so far, never past the time its
 * scan started) minus {@code overlap} (a fast scan) or, once per {@code lookback-every}, since the mark of the previous
 * deep scan minus {@code lookback} (a deep scan; see {@link Lookback}), as {@code since-param}; the vendor pages through the scan with a continuation token ({@code continuation}, a JSON
 * pointer into the body) that is sent back as {@code continuation-param} together with the scan's since. No token:
 * the scan is over, and the next run starts a new one from the new high-water mark.
 *
 * <p>The cursor text says all of it, readably: {@code hwm=2026-03-01T10:00:00Z} between scans;
 * {@code hwm=…&scan-from=2026-03-01T09:55:00Z&continuation=…} inside one ({@code none} / {@code start}: no
 * timestamp yet / scan from the beginning, without since). An operator may reset it to {@code hwm=<instant>}.
 * When the vendor refuses a continuation token (expired: a 4xx other than 401/403), the scan restarts from its
 * stored {@code scan-from}, not from the advanced mark: a partial scan may have missed older changes.
 */
final class ContinuationSinceCursor implements CursorStyle {
    static final String STYLE = "continuation-since";
    static final String SINCE_PARAM = "since-param";
    static final String SINCE_FIELD = "since-field";
    static final String SINCE_FORMAT = "since-format";
    static final String CONTINUATION = "continuation";
    static final String CONTINUATION_PARAM = "continuation-param";

    /** How the since parameter is written. */
    enum SinceFormat {
        ISO_8601("iso-8601"), EPOCH_SECONDS("epoch-seconds"), EPOCH_MILLIS("epoch-millis");

        final String key;

        SinceFormat(String key) {
            this.key = key;
        }

        String format(Instant instant) {
            return switch (this) {
                case ISO_8601 -> instant.toString();
                case EPOCH_SECONDS -> Long.toString(instant.getEpochSecond());
                case EPOCH_MILLIS -> Long.toString(instant.toEpochMilli());
            };
        }
    }

    private final String sinceParam;
    private final JsonPointer sinceField;
    private final SinceFormat sinceFormat;
    private final JsonPointer continuation;
    private final String continuationParam;
    private final ScanCursor scans;

    ContinuationSinceCursor(String sinceParam, JsonPointer sinceField, SinceFormat sinceFormat, JsonPointer continuation,
            String continuationParam, Lookback lookback, Duration clockSkew) {
        this.sinceParam = sinceParam;
        this.sinceField = sinceField;
        this.sinceFormat = sinceFormat;
        this.continuation = continuation;
        this.continuationParam = continuationParam;
        this.scans = new ScanCursor(new Codec(lookback.window()), lookback, clockSkew, Clock.systemUTC());
    }

    static ContinuationSinceCursor load(FeedKeys keys) {
        String why = "for cursor-style " + STYLE;
        String format = keys.optional(SINCE_FORMAT).orElse(SinceFormat.ISO_8601.key);
        SinceFormat sinceFormat = List.of(SinceFormat.values()).stream().filter(f -> f.key.equals(format)).findFirst()
                .orElseThrow(() -> new ConfigException(keys.property(SINCE_FORMAT),
                        "must be iso-8601, epoch-seconds or epoch-millis but was '" + format + "'"));
        return new ContinuationSinceCursor(keys.param(SINCE_PARAM, why), keys.pointer(SINCE_FIELD, why), sinceFormat,
                keys.pointer(CONTINUATION, why), keys.param(CONTINUATION_PARAM, why), Lookback.read(keys::duration, keys::property),
                keys.duration(FeedConfigLoader.CLOCK_SKEW, FeedConfigLoader.DEFAULT_CLOCK_SKEW));
    }

    /**
     * The cursor text of a {@link ScanState}: {@code hwm=<mark>} between scans, when the next scan asks from
     * mark − lookback; {@code &scan-from=<since>} when a scan is in progress or asks from elsewhere, with
     * {@code &continuation=<token>} and {@code &scan-started=<instant>} inside it, {@code &deep-mark=<instant>}
     * while it differs from the mark and {@code &deep-at=<instant>} (see Lookback) ({@code none} / {@code start}: no mark yet / no since). Inside a scan
     * {@code hwm} also counts what the scan read so far.
     */
    static final class Codec implements ScanCursor.Codec {
        private final Duration lookback;

        Codec(Duration lookback) {
            this.lookback = lookback;
        }

        @Override
        public ScanState decode(Cursor cursor) {
            if (cursor.value().isEmpty()) {
                return ScanState.initial(null);
            }
            String text = cursor.value().get();
            Map<String, String> fields = new LinkedHashMap<>();
            for (String pair : text.split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw invalid(text);
                }
                fields.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            if (!fields.containsKey("hwm") || !List.of("hwm", "scan-from", "continuation", "scan-started", "deep-mark", "deep-at").containsAll(fields.keySet())
                    || (fields.containsKey("continuation") && !fields.containsKey("scan-from"))) {
                throw invalid(text);
            }
            Instant hwm = instant(fields.get("hwm"), "none", text);
            Instant since = fields.containsKey("scan-from") ? instant(fields.get("scan-from"), "start", text)
                    : hwm == null ? null : hwm.minus(lookback);
            Instant started = fields.containsKey("scan-started") ? instant(fields.get("scan-started"), "", text) : null;
            Instant deepMark = fields.containsKey("deep-mark") ? instant(fields.get("deep-mark"), "", text) : null;
            Instant deepAt = fields.containsKey("deep-at") ? instant(fields.get("deep-at"), "", text) : null;
            return new ScanState(hwm, since, fields.get("continuation"), null, started, deepMark, deepAt);
        }

        @Override
        public String encode(ScanState state) {
            Instant hwm = state.newest();
            StringBuilder s = new StringBuilder("hwm=").append(hwm == null ? "none" : hwm.toString());
            boolean defaultSince = hwm == null ? state.since() == null : hwm.minus(lookback).equals(state.since());
            if (state.inScan() || state.scanMax() != null || !defaultSince) {
                s.append("&scan-from=").append(state.since() == null ? "start" : state.since().toString());
            }
            if (state.token() != null) {
                s.append("&continuation=").append(URLEncoder.encode(state.token(), StandardCharsets.UTF_8));
            }
            if (state.started() != null) {
                s.append("&scan-started=").append(state.started());
            }
            if (state.deepMark() != null && !state.deepMark().equals(state.mark())) {
                s.append("&deep-mark=").append(state.deepMark());
            }
            if (state.deepAt() != null) {
                s.append("&deep-at=").append(state.deepAt());
            }
            return s.toString();
        }

        private static Instant instant(String value, String none, String text) {
            if (value.equals(none)) {
                return null;
            }
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        }

        private static IllegalStateException invalid(String text) {
            return new IllegalStateException("cursor '" + text + "' is not a " + STYLE
                    + " cursor (e.g. hwm=2026-01-01T00:00:00Z, or hwm=none for the beginning)");
        }
    }

    @Override
    public Query query(Cursor cursor, Query firstPage) {
        ScanState state = scans.request(cursor);
        Query query = state.since() == null ? firstPage : firstPage.with(sinceParam, sinceFormat.format(state.since()));
        return state.token() == null ? query : query.with(continuationParam, state.token());
    }

    @Override
    public Page page(Cursor cursor, List<JsonNode> records, JsonNode body, Map<String, Object> headers) {
        Instant pageMax = ScanCursor.newest(records, record -> Timestamps.toUtc(record.at(sinceField)));
        JsonNode token = body.at(continuation);
        boolean more = token.isValueNode() && !token.isNull() && !token.asText().isBlank();
        return new Page(records, more ? scans.next(cursor, pageMax, token.asText()) : scans.ended(cursor, pageMax), more);
    }

    /** A refused continuation token (expired): the same scan again from its stored start, without the token. */
    @Override
    public Optional<Cursor> recover(Cursor cursor, VendorRequestRejectedException refusal) {
        if (refusal.status() == 401 || refusal.status() == 403 || refusal.status() < 400 || refusal.status() >= 500) {
            return Optional.empty();
        }
        return scans.withoutToken(cursor);
    }
}
