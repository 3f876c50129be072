package dev.vendorpoller.app;

import dev.vendorpoller.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar vendor-poller.jar [--config FILE]... [Camel Main options]}, or {@code ... ops FEED OPERATION}
 * ({@link OpsCli}) against a running service. Config defaults to
 * config/application.properties; repeat --config to layer files (a later one overrides), e.g. the dev profile.
 */
public final class VendorPollerApp {
    static final Path DEFAULT_CONFIG = Path.of("config/application.properties");

    private VendorPollerApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("ops")) {
            System.exit(OpsCli.run(List.of(args).subList(1, args.length), System.getenv(), System.out, System.err));
        }
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
                configs.add(DEFAULT_CONFIG);
            }
            int code = VendorPoller.create(configs, Map.of()).run(camelArgs.toArray(String[]::new));
            System.exit(code);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("vendor-poller: " + e.getMessage() + defaultNotRead(configs));
            System.err.flush();
            // halt, not exit: exit would run Camel Main's shutdown hook, which logs "JVM shutdown hook triggered by
            // SIGTERM" for a process nobody signalled. Nothing has started that needs closing: the start-up stopped.
            Runtime.getRuntime().halt(2);
        }
    }

    /** When --config replaced the default file, a configuration error says so: the key may be set there. */
    static String defaultNotRead(List<Path> configs) {
        Path fallback = DEFAULT_CONFIG.toAbsolutePath().normalize();
        if (!Files.isRegularFile(fallback) || configs.stream().anyMatch(c -> c.toAbsolutePath().normalize().equals(fallback))) {
            return "";
        }
        return " (" + DEFAULT_CONFIG + " was not read: --config FILE replaces it; to layer FILE over it, give both:"
                + " --config " + DEFAULT_CONFIG + " --config FILE)";
    }
}
