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
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("configuration file " + config.toAbsolutePath() + " does not exist (use --config FILE)");
        }
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("file:" + config.toAbsolutePath());
        overrides.forEach(main::addOverrideProperty);
        main.configure().addConfiguration(PollerConfiguration.class);
        main.addMainListener(new FeedRouteInstaller());
        main.addMainListener(new dev.vendorpoller.ops.FeedMBeans());
        return main;
    }
}
