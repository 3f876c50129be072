package dev.vendorpoller.ops;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secret;
import dev.vendorpoller.config.Secrets;
import java.util.List;
import java.util.Optional;

/**
 * The operator surfaces' settings, all on 127.0.0.1: the status page's port (0: off; the HTTP operations are served
 * there too), the token the HTTP operations that change state require (unset: they are off), and the Jolokia port
 * (0: off) that offers the MBeans over HTTP to Hawtio and other Jolokia clients.
 */
public record OpsSettings(int statusPort, Optional<Secret> opsToken, int jolokiaPort) {
    public static final String STATUS_PORT = "vendor-poller.status.port";
    public static final String OPS_TOKEN = "vendor-poller.ops.token";
    public static final String JOLOKIA_PORT = "vendor-poller.jolokia.port";
    public static final List<String> KEYS = List.of(STATUS_PORT, OPS_TOKEN, JOLOKIA_PORT);

    public static OpsSettings load(ConfigReader config) {
        Optional<Secret> token = config.optional(OPS_TOKEN).map(Secrets::register);
        if (token.isPresent() && token.get().reveal().length() < 16) {
            throw new ConfigException(OPS_TOKEN, "must be at least 16 characters (it guards pause, reset and replay)");
        }
        return new OpsSettings(port(config, STATUS_PORT), token, port(config, JOLOKIA_PORT));
    }

    private static int port(ConfigReader config, String key) {
        String raw = config.string(key, "0");
        try {
            int port = Integer.parseInt(raw);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "must be a port from 0 (off) to 65535 but was '" + raw + "'");
        }
    }
}
