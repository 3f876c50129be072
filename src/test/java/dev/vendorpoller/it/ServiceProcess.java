package dev.vendorpoller.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The packaged service as a real OS process: {@code java -Xmx256m [jvmArgs] -jar vendor-poller.jar --config FILE},
 * started in the project root (routes are loaded from {@code file:routes/*.yaml}), stdout and stderr to files.
 */
final class ServiceProcess {
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final long startedNanos = System.nanoTime();

    private ServiceProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The Camel Main and vendor HTTP client settings of config/application.properties that every test config shares. */
    static final List<String> CAMEL_BASE = List.of(
            "camel.main.name = vendor-poller",
            "camel.main.routes-include-pattern = file:routes/*.yaml",
            "camel.main.message-history = false",
            "camel.main.stream-caching-enabled = false",
            "camel.main.jmx-enabled = true",
            "camel.main.shutdown-timeout = 20",
            "camel.component.http.automatic-retries-disabled = true",
            "camel.component.http.connect-timeout = 5000",
            "camel.component.http.connection-request-timeout = 5000",
            "camel.component.http.response-timeout = 30000",
            "camel.component.http.so-timeout = 30000");

    /** The fat jar failsafe passes in (system property vendorPoller.jar); built by {@code mvn package}. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("vendorPoller.jar", "target/vendor-poller.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it first (mvn -DskipTests package)");
        }
        return jar;
    }

    /** {@code dir}, emptied (a test run's own directory for the service's database and logs). */
    static Path freshDirectory(Path dir) throws IOException {
        deleteDirectory(dir);
        return Files.createDirectories(dir);
    }

    static void deleteDirectory(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The demo vendor's jar (system property vendorPollerDemo.jar), built beside the fat jar by {@code mvn package}. */
    static Path demoJar() {
        Path jar = Path.of(System.getProperty("vendorPollerDemo.jar", "target/vendor-poller-demo.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it first (mvn -DskipTests package)");
        }
        return jar;
    }

    /** Failsafe's working directory, the project root, where routes/*.yaml live. */
    static File projectRoot() {
        File root = new File(".").getAbsoluteFile();
        if (!new File(root, "routes").isDirectory()) {
            throw new IllegalStateException("run from the project root (no routes/ under " + root + ")");
        }
        return root;
    }

    /**
     * @param log         stdout (and stderr unless {@code stderrApart}) go here
     * @param stderrApart stderr to {@code log + ".err"} instead
     */
    static ServiceProcess start(Path config, Path log, boolean stderrApart, List<String> jvmArgs, Map<String, String> env) {
        return start(jar(), config, log, stderrApart, jvmArgs, env);
    }

    /** The README's first command: the demo jar (the service with the demo vendor beside it), with {@code config}. */
    static ServiceProcess startDemo(Path config, Path log) {
        return start(demoJar(), config, log, false, List.of(), Map.of());
    }

    private static ServiceProcess start(Path jar, Path config, Path log, boolean stderrApart, List<String> jvmArgs,
            Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toString(), "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(projectRoot());
        builder.environment().putAll(env);
        builder.redirectOutput(log.toFile());
        Path err = stderrApart ? Path.of(log + ".err") : null;
        if (err == null) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(err.toFile());
        }
        try {
            return new ServiceProcess(builder.start(), log, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    long millisSinceStart() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** SIGKILL (destroyForcibly on Linux): no shutdown hook, no flush, no goodbye. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            throw new AssertionError("process " + process.pid() + " survived SIGKILL for 15 s");
        }
        return process.exitValue();
    }

    /** SIGTERM (graceful: Camel Main's shutdown); fails if the process has not exited within {@code timeout}. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            String tail = tail(40);
            kill();
            throw new AssertionError("process did not stop within " + timeout + " of SIGTERM (killed it). Log tail:\n" + tail);
        }
        return process.exitValue();
    }

    /** Waits for the process to end by itself; null if it is still running after {@code timeout}. */
    Integer awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** Ends the process if it still runs (test clean-up). */
    void ensureDead() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return stderr == null ? "" : read(stderr);
    }

    /** Everything the process printed (stdout then stderr when they are kept apart). */
    String output() {
        return stdout() + stderr();
    }

    String tail(int lines) {
        List<String> all = output().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    Path log() {
        return stdout;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for {@code condition}; on time-out fails with the last log lines of every process (the evidence). */
    static void await(String what, Duration timeout, BooleanSupplier condition, Collection<ServiceProcess> processes)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                for (ServiceProcess process : processes) {
                    logs.append("\n--- ").append(process.log()).append('\n').append(process.tail(30));
                }
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what + logs);
            }
            Thread.sleep(100);
        }
    }

    /** A number a query reads from a PostgreSQL schema the nodes share; -1 while it cannot (not migrated, server down). */
    static long queryPostgres(String url, String sql) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
                java.sql.ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }
}
