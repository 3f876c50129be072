package dev.vendorpoller.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What the demo vendor keeps across its own restarts, in the service's data directory beside the database: how far
 * its registration change log was published ({@code demo-vendor.properties}, rewritten every second and at stop) and
 * every Stripe event it published ({@code demo-stripe-events.jsonl}, appended before the event can be served). A real
 * vendor's data does not go back in time when the client restarts; neither does the demo's.
 */
final class DemoState {
    private static final String PUBLISHED = "registrations.published";
    private final Path dir;

    private DemoState(Path dir) {
        this.dir = dir;
    }

    static DemoState in(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DemoState(dir);
    }

    /** Change-log entries published before the last stop (or kill: up to a second less); 0 when none. */
    long registrationsPublished() {
        Path file = dir.resolve("demo-vendor.properties");
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
            return Long.parseLong(props.getProperty(PUBLISHED, "0").trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    void registrationsPublished(long published) {
        Properties props = new Properties();
        props.setProperty(PUBLISHED, Long.toString(published));
        Path tmp = dir.resolve("demo-vendor.properties.tmp");
        try (var out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            props.store(out, "the demo vendor's registration change log, published so far");
        } catch (IOException e) {
            return; // the next second tries again; a cursor past the data is answered like any vendor would
        }
        try {
            Files.move(tmp, dir.resolve("demo-vendor.properties"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // as above
        }
    }

    /** The Stripe events published so far, one line each; a line cut short by a kill is left out. */
    List<String> stripeEvents() {
        Path file = dir.resolve("demo-stripe-events.jsonl");
        List<String> lines = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.startsWith("{") && line.endsWith("}")) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }

    void stripeEventPublished(String line) {
        try {
            Files.writeString(dir.resolve("demo-stripe-events.jsonl"), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
