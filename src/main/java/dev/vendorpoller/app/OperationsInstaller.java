package dev.vendorpoller.app;

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
                    int port = Integer.parseInt(context.getPropertiesComponent().resolveProperty("vendor-poller.status.port")
                            .orElse("0").trim());
                    Service.of(context).operations().start(context, port);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
