package dev.vendorpoller.app;

import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.ops.OpsSettings;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;

/**
 * Starts the operator surfaces ({@link dev.vendorpoller.ops.Operations}: JMX MBeans, metrics, health checks, status
 * page) once the context runs, however it was started (Camel Main, Camel JBang, the test kit).
 */
final class OperationsInstaller implements StartupListener {
    // Camel calls startup listeners again after a route reload (dev profile): start once only
    private final AtomicBoolean done = new AtomicBoolean();

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        if (done.compareAndSet(false, true)) {
            ConfigReader config = new ConfigReader(key -> context.getPropertiesComponent().resolveProperty(key));
            Service.of(context).operations().start(context, OpsSettings.load(config));
        }
    }
}
