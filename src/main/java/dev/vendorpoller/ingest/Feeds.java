package dev.vendorpoller.ingest;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The feeds this service runs, by name. Beans called from routes find their feed by the name the route carries. */
public final class Feeds {
    private final Map<String, Feed> byName = new LinkedHashMap<>();

    public Feeds(List<Feed> feeds) {
        feeds.forEach(f -> byName.put(f.name(), f));
    }

    public Feed get(String name) {
        Feed feed = byName.get(name);
        if (feed == null) {
            throw new IllegalArgumentException("unknown feed '" + name + "'");
        }
        return feed;
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    public Collection<Feed> all() {
        return byName.values();
    }
}
