package dev.vendorpoller.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code properties} block of README.md is loaded through the service's own start-up (the
 * {@link PollerConfiguration} every bean is built by, on a real H2 file), so an example that stops loading fails the
 * build. A block without {@code vendor-poller.feeds} is read on top of the block before it ("the same vendor with
 * another cursor style changes only the cursor lines"). {@code {{env:X}}} answers a stand-in value.
 */
class ReadmeExamplesTest {
    private static final Pattern BLOCK = Pattern.compile("(?ms)^```properties\\n(.*?)^```");

    @TempDir
    Path data;

    static List<String> propertiesBlocks() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(readme);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void should_load_every_properties_example_of_the_readme_through_the_service_start_up() throws Exception {
        List<String> blocks = propertiesBlocks();
        assertThat(blocks).as("properties blocks in README.md").hasSizeGreaterThanOrEqualTo(6);
        Map<String, String> previous = Map.of();
        for (int i = 0; i < blocks.size(); i++) {
            Map<String, String> block = parse(blocks.get(i));
            Map<String, String> layered = new LinkedHashMap<>(block.containsKey("vendor-poller.feeds") ? Map.of() : previous);
            layered.putAll(block);
            String name = "README properties block #" + (i + 1) + " (" + block.keySet().iterator().next() + " …)";
            assertThat(unread(layered)).as(name + ": keys of feeds or accounts nothing uses").isEmpty();
            assertThatCode(() -> load(layered)).as(name).doesNotThrowAnyException();
            previous = layered;
        }
    }

    @Test
    void should_write_secrets_in_readme_examples_as_env_placeholders_and_no_comment_inside_a_value() throws Exception {
        for (String block : propertiesBlocks()) {
            parse(block).forEach((key, value) -> {
                assertThat(value).as(key).doesNotContain("${").doesNotContain(" #");
                if (key.endsWith(".token") || key.endsWith("password") || key.endsWith("secret")) {
                    assertThat(value).as(key + " (a secret)").matches("\\{\\{env:[A-Z0-9_]+}}");
                }
            });
        }
    }

    /** Keys under a feed that vendor-poller.feeds does not list, or an account no feed names: never read. */
    private static List<String> unread(Map<String, String> props) {
        List<String> feeds = List.of(props.getOrDefault("vendor-poller.feeds", "").split("\\s*,\\s*"));
        List<String> accounts = new ArrayList<>(feeds);
        props.forEach((key, value) -> {
            if (key.endsWith(".account") || key.endsWith(".sink-account")) {
                accounts.add(value.trim());
            }
        });
        Pattern owner = Pattern.compile("vendor-poller\\.(feed|account)\\.([a-z0-9-]+)\\..*");
        return props.keySet().stream().filter(key -> {
            Matcher m = owner.matcher(key);
            return m.matches() && !(m.group(1).equals("feed") ? feeds : accounts).contains(m.group(2));
        }).toList();
    }

    private static Map<String, String> parse(String block) throws IOException {
        Properties props = new Properties();
        props.load(new StringReader(block));
        Map<String, String> map = new LinkedHashMap<>();
        // keep the block's order for the message; Properties has none
        for (String line : block.split("\n")) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                String key = line.substring(0, eq).trim();
                map.put(key, props.getProperty(key));
            }
        }
        assertThat(map.keySet()).containsExactlyInAnyOrderElementsOf(new TreeSet<>(props.stringPropertyNames()));
        return map;
    }

    private void load(Map<String, String> example) throws Exception {
        Properties props = new Properties();
        props.put("vendor-poller.data-dir", data.toString());
        props.put("vendor-poller.db.url", "jdbc:h2:file:" + data.resolve("readme") + ";WRITE_DELAY=0");
        props.putAll(example);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setInitialProperties(props);
            context.getPropertiesComponent().addPropertiesFunction(new StandInEnvironment());
            new PollerConfiguration().configure(context);
        }
    }

    /** {@code {{env:NAME}}}: a stand-in value, whatever this machine's environment holds. */
    private static final class StandInEnvironment implements PropertiesFunction {
        @Override
        public String getName() {
            return "env";
        }

        @Override
        public String apply(String remainder) {
            return "stand-in-" + remainder.toLowerCase();
        }
    }
}
