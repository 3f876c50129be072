package dev.vendorpoller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No Docker engine runs here, so this runs the Dockerfile's own ENTRYPOINT and HEALTHCHECK commands (read from the
 * file, /app mapped to a temporary copy of the demo image's layout, the image's ENV set) against the fat jar and the
 * demo jar in extensions/.
 */
class ContainerEntrypointIT {
    @TempDir
    Path app;

    @Test
    void the_dockerfile_entrypoint_starts_the_service_and_its_healthcheck_passes() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(dockerfile);
        Matcher health = Pattern.compile("(?m)^\\s+CMD (curl .*)$").matcher(dockerfile);
        assertThat(entry.find()).as("ENTRYPOINT in exec form").isTrue();
        assertThat(health.find()).as("HEALTHCHECK CMD").isTrue();

        Files.copy(ServiceProcess.jar(), app.resolve("vendor-poller.jar"), StandardCopyOption.REPLACE_EXISTING);
        // the demo image (docker build --build-arg DEMO=true): the demo vendor's jar among the extensions
        Files.createDirectories(app.resolve("extensions"));
        Files.copy(ServiceProcess.demoJar(), app.resolve("extensions/vendor-poller-demo.jar"), StandardCopyOption.REPLACE_EXISTING);
        copyTree(Path.of("routes"), app.resolve("routes"));
        copyTree(Path.of("config"), app.resolve("config"));
        Files.createDirectories(app.resolve("data"));
        List<String> command = new ArrayList<>();
        for (String part : new ObjectMapper().readValue(entry.group(1), String[].class)) {
            command.add(part.replaceAll("/app(?=/|\\s|$)", Matcher.quoteReplacement(app.toString())));
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(app.toFile()).redirectErrorStream(true)
                .redirectOutput(app.resolve("out.log").toFile());
        builder.environment().put("JAVA_OPTS", "-Xmx256m -XX:+UseParallelGC");
        builder.environment().put("VENDOR_POLLER_LOG_FORMAT", "json");
        Process service = builder.start();
        try {
            boolean healthy = false;
            for (int i = 0; i < 60 && !healthy && service.isAlive(); i++) {
                Thread.sleep(1000);
                healthy = new ProcessBuilder("sh", "-c", health.group(1)).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
            }
            assertThat(healthy).as("HEALTHCHECK passes; service output:%n%s", Files.readString(app.resolve("out.log"))).isTrue();
        } finally {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
        assertThat(service.exitValue()).as("graceful stop on SIGTERM").isIn(0, 143);
        assertThat(Files.readString(app.resolve("out.log"))).contains("\"message\":\"feed=demo-registrations page committed");
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
