package dev.vendorpoller.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
        return create(List.of(config), overrides);
    }

    /** Several properties files: a later one overrides an earlier one (e.g. config/application-dev.properties). */
    public static Main create(List<Path> configs, Map<String, String> overrides) {
        for (Path config : configs) {
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException("configuration file " + config.toAbsolutePath() + " does not exist (use --config FILE)");
            }
        }
        Main main = new Main();
        // Camel's properties component takes a key from the first location that has it: list the files last first
        List<Path> lastFirst = new ArrayList<>(configs);
        Collections.reverse(lastFirst);
        main.setDefaultPropertyPlaceholderLocation(String.join(",", lastFirst.stream()
                .map(c -> "file:" + c.toAbsolutePath()).toList()));
        managementFromEnvironment(System.getenv()).forEach((key, value) -> {
            if (System.getProperty(key) == null && !overrides.containsKey(key)) {
                main.addOverrideProperty(key, value);
            }
        });
        overrides.forEach(main::addOverrideProperty);
        main.configure().addConfiguration(PollerConfiguration.class);
        main.addMainListener(new FeedRouteInstaller());
        main.addMainListener(new OutboxLaneInstaller());
        main.addMainListener(new OperationsInstaller());
        return main;
    }

    /**
     * Camel Main maps environment variables onto camel.main.*, camel.component.* and the like, but not onto
     * camel.management.* (the management server, new in 4.12): CAMEL_MANAGEMENT_PORT=9000 is mapped here, below -D.
     */
    static Map<String, String> managementFromEnvironment(Map<String, String> env) {
        Map<String, String> props = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("CAMEL_MANAGEMENT_") && name.length() > "CAMEL_MANAGEMENT_".length()) {
                props.put("camel.management." + name.substring("CAMEL_MANAGEMENT_".length())
                        .toLowerCase(Locale.ROOT).replace('_', '-'), value);
            }
        });
        return props;
    }
}
