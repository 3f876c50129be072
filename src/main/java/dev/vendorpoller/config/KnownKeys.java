package dev.vendorpoller.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The keys a configuration may set under a prefix (e.g. {@code vendor-poller.}), each concern adding the keys it
 * declares; {@link #check} stops the start-up on the first key nobody reads, naming it and the known key it most
 * likely meant ({@code page-sise} → {@code page-size}). A typo in an optional key is then an error, not a default
 * silently used.
 */
public final class KnownKeys {
    private final String scope;
    private final Set<String> exact = new TreeSet<>();
    private final List<String> anyUnder = new ArrayList<>();

    /** @param scope the prefix this checks, e.g. {@code vendor-poller.}; other keys are someone else's (camel.*) */
    public KnownKeys(String scope) {
        this.scope = scope;
    }

    public KnownKeys add(String key) {
        exact.add(key);
        return this;
    }

    /** {@code prefix + key} for each key, e.g. a feed's prefix and the keys its type declares. */
    public KnownKeys add(String prefix, Collection<String> keys) {
        keys.forEach(k -> exact.add(prefix + k));
        return this;
    }

    /** Every key under {@code prefix} (a part whose keys this build does not know, e.g. an extension not on the class path). */
    public KnownKeys anyUnder(String prefix) {
        anyUnder.add(prefix);
        return this;
    }

    public boolean knows(String key) {
        return !key.startsWith(scope) || exact.contains(key) || anyUnder.stream().anyMatch(key::startsWith);
    }

    /**
     * @param present the keys the configuration sets
     * @param hint    more to say about an unknown key (e.g. that it belongs to a feed not listed), or empty
     */
    public void check(Collection<String> present, Function<String, Optional<String>> hint) {
        for (String key : new TreeSet<>(present)) {
            if (!knows(key)) {
                String more = hint.apply(key).orElseGet(() -> closest(key).map(k -> ": did you mean '" + k + "'?").orElse(""));
                throw new ConfigException(key, "is not a known key" + more);
            }
        }
    }

    /** The known key nearest to {@code key} by edit distance, if it is near enough to be a typo of it. */
    public Optional<String> closest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : exact) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        int tail = key.length() - key.lastIndexOf('.') - 1;
        return best != null && bestDistance <= Math.max(2, tail / 3) ? Optional.of(best) : Optional.empty();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
