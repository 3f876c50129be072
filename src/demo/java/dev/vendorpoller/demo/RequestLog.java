package dev.vendorpoller.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What the demo vendor saw, so a test or benchmark can check the governor against the vendor's own count rather
 * than the client's: each request's arrival, final status and how many requests were already in flight. Entries are
 * about 40 bytes; past {@link #CAPACITY} the oldest are dropped (and counted), so a long demo run stays bounded.
 * An entry is recorded just before its response is sent, so a client that has its answer finds it here.
 */
public final class RequestLog {
    public static final int CAPACITY = 1_000_000;

    /**
     * @param status the status the vendor finally sent (a 400 or random 503 after admission included; -1 if none)
     * @param inFlightAtArrival admitted requests already in flight when this one arrived, not counting itself
     */
    public record Entry(long arrivalMillis, int status, VendorLimits.Verdict verdict, int inFlightAtArrival) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long dropped;

    synchronized void record(Entry entry) {
        if (entries.size() == CAPACITY) {
            entries.removeFirst();
            dropped++;
        }
        entries.addLast(entry);
    }

    /** An immutable snapshot, by arrival time. */
    public List<Entry> entries() {
        List<Entry> copy;
        synchronized (this) {
            copy = new ArrayList<>(entries);
        }
        copy.sort(Comparator.comparingLong(Entry::arrivalMillis));
        return List.copyOf(copy);
    }

    /** Requests recorded since start, dropped ones included. */
    public synchronized long total() {
        return entries.size() + dropped;
    }

    /** Entries dropped to stay within {@link #CAPACITY}; the queries below only see the rest. */
    public synchronized long dropped() {
        return dropped;
    }

    public SortedMap<Integer, Long> countByStatus() {
        SortedMap<Integer, Long> counts = new TreeMap<>();
        entries().forEach(e -> counts.merge(e.status(), 1L, Long::sum));
        return counts;
    }

    public long count(VendorLimits.Verdict verdict) {
        return count(e -> e.verdict() == verdict);
    }

    public long count(Predicate<Entry> which) {
        return entries().stream().filter(which).count();
    }

    /** The most admitted requests ever in flight at once (each admitted arrival sees those before it, plus itself). */
    public int maxConcurrency() {
        return entries().stream().filter(e -> e.verdict() == VendorLimits.Verdict.ADMITTED)
                .mapToInt(e -> e.inFlightAtArrival() + 1).max().orElse(0);
    }

    /** Requests answered 200, per fixed window aligned to the epoch like the vendor's tiers: window start millis to count. */
    public SortedMap<Long, Long> acceptedPerWindow(Duration window) {
        long w = window.toMillis();
        if (w <= 0) {
            throw new IllegalArgumentException("window must be at least 1 ms: " + window);
        }
        SortedMap<Long, Long> counts = new TreeMap<>();
        entries().stream().filter(e -> e.status() == 200)
                .forEach(e -> counts.merge(Math.floorDiv(e.arrivalMillis(), w) * w, 1L, Long::sum));
        return counts;
    }

    /** Requests that arrived in [from, to). */
    public List<Entry> between(Instant from, Instant to) {
        long a = from.toEpochMilli();
        long b = to.toEpochMilli();
        return entries().stream().filter(e -> e.arrivalMillis() >= a && e.arrivalMillis() < b).toList();
    }

    /** Forgets everything, e.g. between a benchmark's warm-up and its measured run. */
    public synchronized void clear() {
        entries.clear();
        dropped = 0;
    }
}
