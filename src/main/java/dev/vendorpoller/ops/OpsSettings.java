package dev.vendorpoller.ops;

import java.util.List;

/** The operator surfaces' keys: the status page's port on 127.0.0.1 (0: off). */
public final class OpsSettings {
    public static final String STATUS_PORT = "vendor-poller.status.port";
    public static final List<String> KEYS = List.of(STATUS_PORT);

    private OpsSettings() {
    }
}
