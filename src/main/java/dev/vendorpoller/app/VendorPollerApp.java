package dev.vendorpoller.app;

import dev.vendorpoller.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar vendor-poller.jar [--config FILE]... [Camel Main options]}. Config defaults to
 * config/application.properties; repeat --config to layer files (a later one overrides), e.g. the dev profile.
 */
public final class VendorPollerApp {
    private VendorPollerApp() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> configs = new ArrayList<>();
        List<String> camelArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configs.add(Path.of(args[++i]));
            } else {
                camelArgs.add(args[i]);
            }
        }
        try {
            if (configs.isEmpty()) {
                configs.add(Path.of("config/application.properties"));
            }
            int code = VendorPoller.create(configs, Map.of()).run(camelArgs.toArray(String[]::new));
            System.exit(code);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("vendor-poller: " + e.getMessage());
            System.exit(2);
        }
    }
}
