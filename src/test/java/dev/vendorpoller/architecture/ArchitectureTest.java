package dev.vendorpoller.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of vendor-poller, stated once and checked on every build. Read bottom-up: config (how settings are
 * read) imports nothing of ours; failure (classified vendor failures) nothing either; then the feed's core settings
 * and cursor; the store; the cluster (nodes sharing one database); the governor and credentials; the record kinds; vendor accounts; the sources; delivery;
 * ingest (the one path into the ledger); the poll route's steps and, beside them, the webhook receivers; the operator
 * surfaces; and app, which wires it all.
 * The demo vendor (src/demo) may use the service; nothing of the service may use it.
 */
class ArchitectureTest {
    private static final String ROOT = "dev.vendorpoller";
    private static final Pattern TEST_CLASS = Pattern.compile(".*Test(\\$.*)?\\.class");
    private static JavaClasses service;
    private static JavaClasses serviceAndDemo;

    @BeforeAll
    static void importClasses() {
        service = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
        // the demo is compiled with the tests (src/demo/java): take it from there, without the tests and benchmarks
        ImportOption productionOrDemo = location -> !isTestOutput(location)
                || location.contains("/dev/vendorpoller/demo/") && !location.matches(TEST_CLASS);
        serviceAndDemo = new ClassFileImporter().withImportOption(productionOrDemo).importPackages(ROOT);
    }

    private static boolean isTestOutput(Location location) {
        return location.contains("/test-classes/");
    }

    @Test
    void the_rules_see_the_service_and_the_demo_but_no_test() {
        assertThat(service.contain("dev.vendorpoller.app.PollerConfiguration")).isTrue();
        assertThat(service.stream().noneMatch(c -> c.getPackageName().startsWith(ROOT + ".demo"))).isTrue();
        assertThat(serviceAndDemo.contain("dev.vendorpoller.demo.DemoVendor")).isTrue();
        assertThat(serviceAndDemo.stream().noneMatch(c -> c.getSimpleName().endsWith("Test"))).isTrue();
    }

    @Test
    void top_level_packages_have_no_cycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(service);
    }

    @Test
    void config_imports_nothing_of_ours() {
        noClasses().that().resideInAPackage(ROOT + ".config..").should().dependOnClassesThat()
                .resideInAnyPackage(others("config")).check(service);
    }

    @Test
    void sources_never_reach_storage_delivery_or_the_operator_surfaces() {
        noClasses().that().resideInAPackage(ROOT + ".source..").should().dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".store..", ROOT + ".delivery..", ROOT + ".ops..", ROOT + ".ingest..",
                        ROOT + ".poll..", ROOT + ".app..")
                .check(service);
    }

    @Test
    void record_kinds_do_not_import_each_other() {
        slices().matching(ROOT + ".record.(*)..").should().notDependOnEachOther().check(service);
    }

    @Test
    void nothing_in_the_service_imports_the_demo() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage(ROOT + ".demo..").should().dependOnClassesThat()
                .resideInAPackage(ROOT + ".demo..");
        rule.check(serviceAndDemo);
    }

    @Test
    void each_layer_uses_only_the_layers_below_it() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("config").definedBy(ROOT + ".config..")
                .layer("failure").definedBy(ROOT + ".failure..")
                .layer("feed").definedBy(ROOT + ".feed..")
                .layer("store").definedBy(ROOT + ".store..")
                .layer("cluster").definedBy(ROOT + ".cluster..")
                .layer("ratelimit").definedBy(ROOT + ".ratelimit..")
                .layer("auth").definedBy(ROOT + ".auth..")
                .layer("record").definedBy(ROOT + ".record..")
                .layer("account").definedBy(ROOT + ".account..")
                .layer("source").definedBy(ROOT + ".source..")
                .layer("delivery").definedBy(ROOT + ".delivery..")
                .layer("ingest").definedBy(ROOT + ".ingest..")
                .layer("poll").definedBy(ROOT + ".poll..")
                .layer("webhook").definedBy(ROOT + ".webhook..")
                .layer("ops").definedBy(ROOT + ".ops..")
                .layer("app").definedBy(ROOT + ".app..")
                .layer("demo").definedBy(ROOT + ".demo..")
                .whereLayer("config").mayNotAccessAnyLayer()
                .whereLayer("failure").mayNotAccessAnyLayer()
                .whereLayer("feed").mayOnlyAccessLayers("config")
                .whereLayer("store").mayOnlyAccessLayers("config", "feed")
                .whereLayer("cluster").mayOnlyAccessLayers("config", "store")
                .whereLayer("ratelimit").mayOnlyAccessLayers("config", "failure")
                .whereLayer("auth").mayOnlyAccessLayers("config", "store")
                .whereLayer("record").mayOnlyAccessLayers("config", "feed", "store")
                .whereLayer("account").mayOnlyAccessLayers("config", "failure", "feed", "ratelimit", "auth")
                .whereLayer("source").mayOnlyAccessLayers("config", "failure", "feed", "record")
                .whereLayer("delivery").mayOnlyAccessLayers("config", "failure", "feed", "store", "cluster", "ratelimit",
                        "account")
                .whereLayer("ingest").mayOnlyAccessLayers("config", "failure", "feed", "store", "record", "account",
                        "source", "delivery")
                .whereLayer("poll").mayOnlyAccessLayers("config", "failure", "feed", "store", "record", "account",
                        "source", "delivery", "ingest")
                .whereLayer("webhook").mayOnlyAccessLayers("config", "failure", "feed", "store", "cluster", "ratelimit",
                        "record", "account", "source", "delivery", "ingest", "poll")
                .whereLayer("ops").mayOnlyAccessLayers("config", "failure", "feed", "store", "cluster", "ratelimit",
                        "record", "account", "source", "delivery", "ingest", "poll", "webhook")
                .whereLayer("app").mayOnlyBeAccessedByLayers("demo")
                .whereLayer("demo").mayNotBeAccessedByAnyLayer()
                .check(serviceAndDemo);
    }

    private static String[] others(String except) {
        return Stream.of("failure", "feed", "store", "cluster", "ratelimit", "auth", "record", "account", "source",
                "delivery", "ingest", "poll", "webhook", "ops", "app", "demo", "config").filter(p -> !p.equals(except))
                .map(p -> ROOT + "." + p + "..").toArray(String[]::new);
    }
}
