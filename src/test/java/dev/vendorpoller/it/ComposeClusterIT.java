package dev.vendorpoller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.support.LocalPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * deploy/cluster/compose.yaml without a container engine (none runs here): its commands and its configuration files,
 * run as processes, with the compose host names (postgres, demo-vendor) replaced by loopback addresses and its ports
 * by free ones. The demo vendor starts with the compose file's own command line; each node with the shared file and
 * its own one, layered as the image's entry point does. Both nodes must join one cluster and ledger the demo backlog.
 */
class ComposeClusterIT {
    static final Path DEPLOY = Path.of("deploy/cluster");
    String schema;
    Path dir;
    Process demoVendor;
    final List<ServiceProcess> nodes = new ArrayList<>();
    final List<Integer> managementPorts = new ArrayList<>();

    @BeforeEach
    void database() throws Exception {
        LocalPostgres.assumeUp();
        schema = LocalPostgres.createSchema("compose_");
        dir = Files.createTempDirectory("compose-it");
    }

    @AfterEach
    void stop() throws Exception {
        for (ServiceProcess node : nodes) {
            node.ensureDead();
        }
        if (demoVendor != null) {
            demoVendor.destroyForcibly().waitFor();
        }
        if (schema != null) {
            LocalPostgres.dropSchema(schema);
        }
    }

    @Test
    void the_compose_files_commands_and_configuration_run_two_nodes_as_one_cluster() throws Exception {
        String compose = Files.readString(DEPLOY.resolve("compose.yaml"));
        int vendorPort = ClusterIT.freePort();
        List<String> vendorArgs = new ArrayList<>(List.of(arrayAfter(compose, "demo-vendor:", "command")));
        vendorArgs.set(vendorArgs.indexOf("--host") + 1, "127.0.0.1");
        vendorArgs.set(vendorArgs.indexOf("--port") + 1, String.valueOf(vendorPort));
        List<String> vendorCommand = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", ServiceProcess.demoJar().toString(), "dev.vendorpoller.demo.DemoVendor"));
        vendorCommand.addAll(vendorArgs);
        demoVendor = new ProcessBuilder(vendorCommand).redirectErrorStream(true).redirectOutput(dir.resolve("vendor.log").toFile()).start();

        String shared = Files.readString(DEPLOY.resolve("application.properties"))
                .replace("jdbc:postgresql://postgres:5432/vendorpoller", LocalPostgres.url(schema))
                .replace("vendor-poller.db.password = vendor-poller-demo", "vendor-poller.db.password =")
                .replace("http://demo-vendor:8089", "http://127.0.0.1:" + vendorPort)
                .replace("camel.management.host = 0.0.0.0", "camel.management.host = 127.0.0.1");
        for (String node : List.of("node-a", "node-b")) {
            String[] command = arrayAfter(compose, node + ":", "command");
            assertThat(command).as(node + "'s command layers its own file").hasSize(2).startsWith("--config");
            String own = Files.readString(DEPLOY.resolve(Path.of(command[1]).getFileName()));
            int management = ClusterIT.freePort();
            managementPorts.add(management);
            String config = shared.replace("camel.management.port = 9876", "camel.management.port = " + management)
                    .replace("vendor-poller.status.port = 9877", "vendor-poller.status.port = " + ClusterIT.freePort())
                    + "\n" + own;
            Path file = dir.resolve(node + ".properties");
            Files.writeString(file, config, StandardCharsets.UTF_8);
            nodes.add(ServiceProcess.start(file, dir.resolve(node + ".log"), false, List.of(), Map.of()));
        }

        await("both nodes in the cluster and the demo backlog being ledgered", Duration.ofSeconds(90),
                () -> query("SELECT COUNT(*) FROM qrtz_scheduler_state WHERE instance_name IN ('a', 'b')") == 2
                        && query("SELECT COUNT(*) FROM ledger_registration") >= 400);
        for (int port : managementPorts) {
            String health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/observe/health?data=true")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(new ObjectMapper().readTree(health).path("status").asText()).as("node on port " + port).isEqualTo("UP");
            assertThat(health).contains("\"nodes_alive\":\"a,b\"");
        }
        assertThat(query("SELECT COUNT(*) FROM ledger_registration WHERE versions_seen <> 1")).isZero();
    }

    /** The JSON-style array after {@code key:} in the block that starts at {@code service}. */
    private static String[] arrayAfter(String compose, String service, String key) throws Exception {
        int start = compose.indexOf("\n  " + service);
        assertThat(start).as(service + " in compose.yaml").isPositive();
        Matcher m = Pattern.compile("\\n    " + key + ": (\\[.*])").matcher(compose);
        assertThat(m.find(start)).as(key + " of " + service).isTrue();
        return new ObjectMapper().readValue(m.group(1), String[].class);
    }

    private long query(String sql) {
        return ServiceProcess.queryPostgres(LocalPostgres.url(schema), sql);
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        ServiceProcess.await(what, timeout, condition, nodes);
    }
}
