package dev.vendorpoller.support;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The set-up most end-to-end tests share: WireMock playing the vendor on loopback, and the real service in-process
 * ({@link ServiceTest}) that the test configures and starts. Both are stopped after each test.
 */
public abstract class VendorAndPoller extends ServiceTest {
    protected WireMockServer vendor;
    protected PollerHarness poller;

    @BeforeEach
    void startVendor() throws Exception {
        vendor = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        poller = newPoller();
    }

    @AfterEach
    void stopVendorAndPoller() throws Exception {
        poller.close();
        vendor.stop();
    }

    /** How many registration-api page requests the vendor received at {@code cursor} (null: without a cursor). */
    protected int requestsAt(String cursor) {
        return vendor.findAll(getRequestedFor(urlPathEqualTo("/registrations")).withQueryParam("cursor",
                cursor == null ? absent() : equalTo(cursor))).size();
    }
}
