package dev.vendorpoller.app;

import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.ops.OpsSettings;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Starts the operator surfaces ({@link dev.vendorpoller.ops.Operations}: JMX MBeans, metrics, health checks, status
 * page) once the context runs, however Main was started.
 */
public final class OperationsInstaller extends MainListenerSupport {

    @Override
    public void afterConfigure(BaseMainSupport main) {
        // Camel calls startup listeners again after a route reload (dev profile): start once only
        AtomicBoolean done = new AtomicBoolean();
        try {
            main.getCamelContext().addStartupListener((context, alreadyStarted) -> {
                if (done.compareAndSet(false, true)) {
                    ConfigReader config = new ConfigReader(key -> context.getPropertiesComponent().resolveProperty(key));
                    Service.of(context).operations().start(context, OpsSettings.load(config));
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
