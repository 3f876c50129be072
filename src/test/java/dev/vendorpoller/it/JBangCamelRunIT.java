package dev.vendorpoller.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * README "Camel JBang": the documented {@code bin/camel run …} command, read from the README, runs the service on the
 * Camel CLI (JBang and every jar from Maven Central) against the bundled demo vendor, and it polls: pages are
 * committed, the health endpoint lists the feed checks, and the H2 ledger has rows once it stopped.
 *
 * <p>It runs in a temporary copy of what the command names (routes/, config/, jbang/camel-run.properties,
 * camel-jbang-user.properties, the thin jar), so the demo's data/ lands there; the ports move to free ones through
 * environment variables (README "Configuration") and {@code --prop}. Skipped when JBang or the Camel CLI cannot be prepared (no Maven
 * Central and nothing cached), except under CI=true.
 */
class JBangCamelRunIT {
    /** First run on a fresh machine: JBang's and the Camel CLI's jars (about 60 MB) come from Maven Central. */
    private static final Duration PREPARE = Duration.ofMinutes(5);
    /** From launch to the pages below; the first run also downloads the runtime jars the build did not fetch. */
    private static final Duration POLLS = Duration.ofMinutes(3);
    private static final int PAGES = 3;
    private static final Pattern PAGE = Pattern.compile("feed=demo-registrations page committed: .*records=(\\d+), ledgered=(\\d+)");

    @TempDir
    Path work;

    @Test
    void the_documented_camel_run_command_starts_the_service_and_it_polls_the_demo_vendor() throws Exception {
        Path root = ServiceProcess.projectRoot().toPath();
        List<String> documented = documentedCommand(root);
        assertThat(documented.subList(0, 2)).as("README command").containsExactly("bin/camel", "run");
        prepareOrSkip(root);

        // the files the command names, copied to a working directory of its own
        List<String> command = new ArrayList<>();
        command.addAll(List.of(root.resolve("bin/camel").toString(), "run"));
        for (String arg : documented.subList(2, documented.size())) {
            if (arg.equals("routes/*.yaml")) {
                try (Stream<Path> routes = Files.list(root.resolve("routes"))) {
                    for (Path route : routes.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                        copy(root, "routes/" + route.getFileName());
                        command.add("routes/" + route.getFileName());
                    }
                }
            } else {
                if (!arg.startsWith("-")) {
                    copy(root, arg);
                }
                command.add(arg);
            }
        }
        copy(root, "camel-jbang-user.properties");
        int demo = freePort();
        int management = freePort();
        int status = freePort();
        // plain log lines; the management port (camel.management.* takes no environment variable); and should this
        // test's JVM die, the service still stops by itself
        command.addAll(List.of("--logging-color=false", "--prop=camel.management.port=" + management, "--max-seconds=600"));
        Path log = work.resolve("camel-run.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("VENDOR_POLLER_DEMO_PORT", String.valueOf(demo));
        env.put("VENDOR_POLLER_FEED_DEMO_REGISTRATIONS_BASE_URL", "http://127.0.0.1:" + demo);
        env.put("VENDOR_POLLER_FEED_DEMO_PAYMENTS_BASE_URL", "http://127.0.0.1:" + demo + "/stripe");
        env.put("VENDOR_POLLER_STATUS_PORT", String.valueOf(status));
        Process camel = builder.start();
        String health = "";
        String feedsJson = "";
        try {
            long deadline = System.nanoTime() + POLLS.toNanos();
            while (pages(log) < PAGES && camel.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertThat(pages(log)).as("'page committed' lines of feed demo-registrations within %s. Log tail:%n%s", POLLS, tail(log, 60))
                    .isGreaterThanOrEqualTo(PAGES);
            health = get("http://127.0.0.1:" + management + "/observe/health");
            feedsJson = get("http://127.0.0.1:" + status + "/status/feeds.json");
            camel.destroy(); // SIGTERM: Camel's graceful shutdown
            assertThat(camel.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM. Log tail:%n%s", tail(log, 40)).isTrue();
        } finally {
            killTree(camel);
        }
        String output = read(log);
        assertThat(output).as("the Camel that ran").contains("Apache Camel 4.18.0 (vendor-poller) started");
        assertThat(output).as("the beans and templated routes").contains("Started poll-demo-registrations")
                .contains("Started account-demo-registrations").contains("status page on http://127.0.0.1:" + status + "/status");
        assertThat(health).as("/observe/health on the management port").contains("feed-demo-registrations").contains("database");
        assertThat(feedsJson).as("the status page's /status/feeds.json").contains("demo-registrations").contains("demo-payments");
        long ledgered = PAGE.matcher(output).results().mapToLong(m -> Long.parseLong(m.group(2))).sum();
        assertThat(ledgered).as("records ledgered by the logged pages").isPositive();
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("data/vendor-poller"), "sa", "");
                ResultSet rows = db.createStatement().executeQuery(
                        "SELECT COUNT(*) FROM ledger_registration WHERE source = 'demo-registrations'");
                ResultSet hooks = db.createStatement().executeQuery(
                        "SELECT COUNT(*) FROM webhook_inbox WHERE feed = 'demo-registrations' AND state = 'DONE'")) {
            rows.next();
            hooks.next();
            // a row per registration, ledgered by a page (whose ledgered count also counts newer versions of rows
            // already there) or by a webhook the demo vendor pushed (each processed delivery ledgers at most one)
            assertThat(rows.getLong(1)).as("ledger rows in %s", work.resolve("data")).isPositive()
                    .isLessThanOrEqualTo(ledgered + hooks.getLong(1));
            System.out.println("webhook deliveries processed under camel run: " + hooks.getLong(1));
            // the evidence, in target/failsafe-reports/dev.vendorpoller.it.JBangCamelRunIT-output.txt
            System.out.println("command: " + String.join(" ", documented));
            output.lines().filter(l -> l.contains("Apache Camel (JBang) 4.18.0 is starting") || l.contains("(vendor-poller) started")
                    || l.contains("Additional jars")).forEach(System.out::println);
            PAGE.matcher(output).results().limit(PAGES).forEach(m -> System.out.println(m.group()));
            System.out.println("ledger_registration rows for demo-registrations: " + rows.getLong(1));
        }
    }

    /**
     * camel run gets the service's dependencies from camel-jbang-user.properties ({@code dependency=}); a dependency
     * added to pom.xml must be added there too (logging excepted: the CLI brings its own).
     */
    @Test
    void camel_run_gets_every_runtime_dependency_of_the_pom() throws Exception {
        Path root = ServiceProcess.projectRoot().toPath();
        Properties cli = new Properties();
        try (var in = Files.newBufferedReader(root.resolve("camel-jbang-user.properties"))) {
            cli.load(in);
        }
        Set<String> listed = Arrays.stream(cli.getProperty("dependency", "").split(",")).map(String::trim)
                .collect(Collectors.toCollection(TreeSet::new));

        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(root.resolve("pom.xml").toFile());
        Map<String, String> properties = new LinkedHashMap<>();
        NodeList props = ((Element) pom.getElementsByTagName("properties").item(0)).getChildNodes();
        for (int i = 0; i < props.getLength(); i++) {
            if (props.item(i) instanceof Element e) {
                properties.put(e.getTagName(), e.getTextContent().trim());
            }
        }
        Element dependencies = (Element) ((Element) pom.getDocumentElement()).getElementsByTagName("dependencies").item(1);
        assertThat(dependencies.getParentNode().getNodeName()).isEqualTo("project");
        Set<String> expected = new TreeSet<>();
        NodeList deps = dependencies.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element dep = (Element) deps.item(i);
            String group = text(dep, "groupId");
            String artifact = text(dep, "artifactId");
            if ("test".equals(text(dep, "scope")) || group.equals("org.apache.logging.log4j")) {
                continue;
            }
            if (group.equals("org.apache.camel")) {
                expected.add("camel:" + artifact.substring("camel-".length()));
            } else {
                String version = text(dep, "version");
                Matcher property = Pattern.compile("\\$\\{(.+)}").matcher(version);
                expected.add(group + ":" + artifact + ":" + (property.matches() ? properties.get(property.group(1)) : version));
            }
        }
        assertThat(listed).as("dependency= in camel-jbang-user.properties").containsExactlyInAnyOrderElementsOf(expected);
    }

    /** The {@code bin/camel run} line of the README's "Camel JBang" section, split into words. */
    static List<String> documentedCommand(Path root) throws IOException {
        String readme = Files.readString(root.resolve("README.md"));
        int section = readme.indexOf("### Camel JBang");
        assertThat(section).as("README section 'Camel JBang'").isNotNegative();
        Matcher line = Pattern.compile("(?m)^(bin/camel run .*)$").matcher(readme);
        assertThat(line.find(section)).as("a 'bin/camel run' line in README 'Camel JBang'").isTrue();
        return List.of(line.group(1).trim().split("\\s+"));
    }

    /** bin/camel fetches JBang and lets it resolve the Camel CLI; without Maven Central or a cache that fails. */
    private void prepareOrSkip(Path root) throws Exception {
        Path log = work.resolve("prepare.log");
        ProcessBuilder builder = new ProcessBuilder(root.resolve("bin/camel").toString(), "version")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process version = builder.start();
        boolean done;
        try {
            done = version.waitFor(PREPARE.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            killTree(version);
        }
        String output = read(log);
        boolean ready = done && version.exitValue() == 0 && output.contains("Camel JBang version: 4.18.0");
        if (!ready && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort("JBang and the Camel CLI could not be prepared (bin/camel version; Maven Central "
                    + "unreachable and not cached?): " + (done ? "exit " + version.exitValue() : "timed out") + "\n" + tail(log, 20));
        }
        assertThat(ready).as("bin/camel version (%s):%n%s", done ? "exit " + version.exitValue() : "timed out after " + PREPARE, output)
                .isTrue();
    }

    private void copy(Path root, String relative) throws IOException {
        Path target = work.resolve(relative);
        Files.createDirectories(target.getParent());
        if (Files.isDirectory(root.resolve(relative))) {
            throw new IllegalArgumentException(relative + " is a directory");
        }
        Files.copy(root.resolve(relative), target, StandardCopyOption.REPLACE_EXISTING);
    }

    private static long pages(Path log) {
        return PAGE.matcher(read(log)).results().count();
    }

    private static String get(String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The process and whatever it started (JBang runs java from bash), SIGKILLed if still alive. */
    private static void killTree(Process process) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle handle : all) {
            handle.destroyForcibly();
        }
        process.waitFor(15, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path file, int lines) {
        List<String> all = read(file).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
