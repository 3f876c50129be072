package dev.vendorpoller.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.ServiceTest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real headless browser: Debian's chromium through Debian's chromedriver (no driver download).
 * Skipped where they are not installed, except under CI=true, where .ci/run installs them.
 */
class StatusPageTest extends ServiceTest {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";
    WireMockServer vendor;
    PollerHarness poller;
    WebDriver browser;
    int port;

    @BeforeEach
    void startVendor() throws Exception {
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute(),
                    "chromium and chromium-driver are not installed");
        }
        vendor = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson("{\"data\":["
                + "{\"id\":\"r1\",\"email\":\"a@x.io\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"paid\",\"created_at\":1,\"updated_at\":2},"
                + "{\"id\":\"r2\",\"email\":\"not-an-email\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"paid\",\"created_at\":1,\"updated_at\":2}"
                + "],\"next_cursor\":\"c1\",\"has_more\":false}")));
        port = PollerHarness.freeLoopbackPort();
        poller = newPoller().set("vendor-poller.status.port", String.valueOf(port));
        ChromeOptions chrome = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1500,700",
                "--user-data-dir=" + Files.createTempDirectory("chromium"));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).build(), chrome);
    }

    @AfterEach
    void stopVendorAndService() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (poller != null) {
            poller.close();
        }
        if (vendor != null) {
            vendor.stop();
        }
    }

    @Test
    void should_show_every_feed_and_its_latest_rejects_at_a_glance() throws Exception {
        // events has a configured limit, so its budget left is a number; forms has none: n/a, never invented
        poller.feed("forms", vendor.baseUrl()).feed("events", vendor.baseUrl()).account("events", "limits", "600/1h").start();
        await("both feeds committed", Duration.ofSeconds(20), () -> poller.count("SELECT COUNT(*) FROM feed_cursor") == 2);
        poller.context().getRouteController().suspendRoute("poll-events");

        browser.get("http://127.0.0.1:" + port + "/status");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(b -> b.findElements(By.cssSelector("tr[data-feed]")).size() == 2);

        var forms = browser.findElement(By.cssSelector("tr[data-feed='forms']"));
        assertThat(forms.getText()).contains("forms", "registration-api", "Started", "UP", "n/a", "CLOSED");
        assertThat(forms.findElements(By.cssSelector("svg.spark polyline"))).as("records per minute chart").hasSize(1);
        assertThat(forms.findElements(By.cssSelector("td.num")).get(1).getText()).as("ledgered").isEqualTo("1");
        assertThat(browser.findElement(By.cssSelector("tr[data-feed='events']")).getText()).contains("Paused")
                .containsPattern("CLOSED").containsPattern("\\b5[0-9]{2}\\b");

        forms.findElement(By.linkText("1")).click(); // the rejects count links to the latest rejects
        wait.until(b -> b.findElement(By.id("detail")).isDisplayed());
        assertThat(browser.findElement(By.id("detail-title")).getText()).isEqualTo("Latest rejects of forms");
        assertThat(browser.findElement(By.id("detail")).getText()).contains("not-an-email").contains("\"external_id\": \"r2\"").contains("\"field\": \"email\"");
        assertThat(browser.getPageSource()).doesNotContain("test-token");

        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(Path.of("target"));
        Files.copy(shot, Path.of("target", "status-page.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void should_show_database_totals_new_versions_cursor_last_error_and_sink_only_accounts_after_a_restart() throws Exception {
        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(200)));
        vendor.stubFor(get(urlPathEqualTo("/broken/registrations")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"no such list\"}")));
        poller.feed("forms", vendor.baseUrl(), "sink-uri", vendor.baseUrl() + "/sink", "sink-account", "crm")
                .feed("broken", vendor.baseUrl() + "/broken").account("crm", "token", "crm-token").start();
        await("forms committed", Duration.ofSeconds(20), () -> poller.count("SELECT COUNT(*) FROM feed_cursor") == 1);
        await("the broken feed dead-lettered", Duration.ofSeconds(20), () -> poller.count("SELECT COUNT(*) FROM dead_letter") >= 1);
        poller.restart(); // totals come from the database: a restart does not zero them

        browser.get("http://127.0.0.1:" + port + "/status");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(b -> b.findElements(By.cssSelector("tr[data-feed]")).size() == 2
                && b.findElements(By.cssSelector("tr[data-account]")).size() == 3);

        var forms = browser.findElement(By.cssSelector("tr[data-feed='forms']"));
        assertThat(forms.findElements(By.cssSelector("td.num")).get(1).getText()).as("in ledger, after a restart").isEqualTo("1");
        assertThat(forms.findElement(By.cssSelector(".cursor")).getText()).as("stored cursor").isEqualTo("c1");
        assertThat(forms.findElements(By.cssSelector("td.num")).get(0).getText()).as("lag without max-lag").isEqualTo("—");
        var broken = browser.findElement(By.cssSelector("tr[data-feed='broken']"));
        assertThat(broken.getText()).contains("PAGE 400 at").containsPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(broken.findElement(By.cssSelector(".cursor")).getText()).isEqualTo("<start>");
        assertThat(browser.findElement(By.cssSelector("tr[data-account='crm']")).getText()).contains("crm", "sinks only", "CLOSED");
        assertThat(browser.findElement(By.id("updated")).getText()).matches("Updated \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\.");
        assertThat(browser.getPageSource()).doesNotContain("crm-token").doesNotContain("test-token");

        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target", "status-page-totals.png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
