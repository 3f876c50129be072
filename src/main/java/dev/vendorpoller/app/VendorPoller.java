package dev.vendorpoller.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.main.Main;

/** Builds the Camel Main that runs the service: the same wiring for {@code java -jar}, tests and benchmarks. */
public final class VendorPoller {
    private VendorPoller() {
    }

    /**
     * @param config    the properties file (routes, feeds, storage); must exist
     * @param overrides properties that win over the file (tests, benchmarks); -D and environment still apply
     */
    public static Main create(Path config, Map<String, String> overrides) {
        return create(java.util.List.of(config), overrides);
    }

    /** Several properties files: a later one overrides an earlier one (e.g. config/application-dev.properties). */
    public static Main create(java.util.List<Path> configs, Map<String, String> overrides) {
        for (Path config : configs) {
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException("configuration file " + config.toAbsolutePath() + " does not exist (use --config FILE)");
            }
        }
        Main main = new Main();
        // Camel's properties component takes a key from the first location that has it: list the files last first
        java.util.List<Path> lastFirst = new java.util.ArrayList<>(configs);
        java.util.Collections.reverse(lastFirst);
        main.setDefaultPropertyPlaceholderLocation(String.join(",", lastFirst.stream()
                .map(c -> "file:" + c.toAbsolutePath()).toList()));
        overrides.forEach(main::addOverrideProperty);
        main.configure().addConfiguration(PollerConfiguration.class);
        main.addMainListener(new FeedRouteInstaller());
        main.addMainListener(new dev.vendorpoller.ops.OperationsInstaller());
        return main;
    }
}
