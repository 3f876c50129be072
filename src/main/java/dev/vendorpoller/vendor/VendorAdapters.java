package dev.vendorpoller.vendor;

import dev.vendorpoller.vendor.registration.RegistrationApiAdapter;
import java.util.Map;

/** Feed type → adapter. A new vendor shape that needs code adds one entry here and nothing else. */
public final class VendorAdapters {
    private static final Map<String, VendorAdapter> BY_TYPE = Map.of("registration-api", new RegistrationApiAdapter());

    private VendorAdapters() {
    }

    public static VendorAdapter forType(String type) {
        VendorAdapter adapter = BY_TYPE.get(type);
        if (adapter == null) {
            throw new IllegalArgumentException("no adapter for feed type " + type);
        }
        return adapter;
    }
}
