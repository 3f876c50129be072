package dev.vendorpoller.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VendorPollerTest {

    @Test
    void management_settings_come_from_the_environment_too() {
        assertThat(VendorPoller.managementFromEnvironment(Map.of("CAMEL_MANAGEMENT_PORT", "9000",
                "CAMEL_MANAGEMENT_HEALTH_CHECK_ENABLED", "false", "CAMEL_MAIN_NAME", "x", "CAMEL_MANAGEMENT_", "y")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("camel.management.port", "9000",
                        "camel.management.health-check-enabled", "false"));
    }
}
