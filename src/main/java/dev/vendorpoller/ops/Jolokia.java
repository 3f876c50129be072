package dev.vendorpoller.ops;

import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.jolokia.jvmagent.JolokiaServer;
import org.jolokia.jvmagent.JolokiaServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform MBean server over HTTP (Jolokia's JVM agent, started in-process on 127.0.0.1), so Hawtio or any Jolokia
 * client reads the feed MBeans ({@code dev.vendorpoller:type=feed,name=*}) and Camel's, and calls their operations.
 * Loopback only, like JMX here; reach it from elsewhere through an SSH tunnel.
 */
final class Jolokia {
    private static final Logger LOG = LoggerFactory.getLogger(Jolokia.class);

    private Jolokia() {
    }

    static void start(CamelContext context, int port) {
        try {
            JolokiaServer server = new JolokiaServer(new JolokiaServerConfig(Map.of(
                    "host", "127.0.0.1", "port", Integer.toString(port), "agentContext", "/jolokia",
                    "discoveryEnabled", "false")));
            server.start();
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    server.stop();
                }
            });
            LOG.info("MBeans over Jolokia on {} (Hawtio: connect to it)", server.getUrl());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start Jolokia on 127.0.0.1:" + port + " (property "
                    + OpsSettings.JOLOKIA_PORT + ")", e);
        }
    }
}
