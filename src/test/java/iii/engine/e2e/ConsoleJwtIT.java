package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The console behind a JWT group: an engine with an RBAC-gated listener, a token key made here and
 * {@code iii.console.group=ops}, whose grant is the listings and {@code ops::*}. The page, opened in a real headless
 * Chromium on the gated port, signs in with a token signed here. Each test leaves a screenshot in
 * {@code target/console-screenshots}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsoleJwtIT extends JwtEngineSupport {

    private static final Duration SHOWN = Duration.ofSeconds(10);
    private static final Path SCREENSHOTS = NodeWorker.projectDir().resolve("target").resolve("console-screenshots");
    private static final String LISTINGS = "engine::workers::list,engine::functions::list,engine::functions::stats,"
            + "engine::registered-triggers::list,engine::trigger-types::list,engine::services::list";

    private Browser browser;
    private String test;

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    static void startEngine() throws Exception {
        startEngine("console-jwt-engine", Map.of("III_CONSOLE_GROUP", "ops", "III_RBAC_GROUP_OPS_ALLOWED_FUNCTIONS",
                LISTINGS + ",ops::*"), "ops-owner", "ops::restart", "admin::wipe");
    }

    @BeforeEach
    void openBrowser(TestInfo info) {
        Assumptions.assumeTrue(Browser.available(), Browser.CHROMIUM + " is missing (apt-get install chromium; "
                + ".ci/run installs it): the console's browser tests are skipped");
        test = info.getTestMethod().orElseThrow().getName();
        browser = closeLater(Browser.start());
    }

    @AfterEach
    void screenshot() {
        if (browser != null) {
            browser.screenshot(SCREENSHOTS.resolve(test + ".png"));
        }
    }

    private static String token(List<String> groups) throws JOSEException {
        return token("alice", groups, "https://issuer.test", Instant.now().plusSeconds(600), keys);
    }

    private static String console() {
        return "http://127.0.0.1:" + rbacPort + "/console/";
    }

    private static String function(String id) {
        return "#functions tr[data-function-id='" + id + "']";
    }

    /** The page's console errors, but for the browser's own line about a refused WebSocket handshake. */
    private List<String> pageErrorsButRefusedSockets() {
        return browser.pageErrors().stream().filter(error -> !error.contains("WebSocket connection to")).toList();
    }

    @Test
    void a_token_of_the_console_group_opens_the_console_which_lists_and_invokes_only_what_the_group_grants()
            throws Exception {
        assertEquals(200, browser.goTo(console() + "#access_token=" + token(List.of("ops", "staff"))));

        browser.waitFor("#status.open", SHOWN);
        browser.waitFor("#workers tr.console", SHOWN);
        browser.waitFor(function("ops::restart"), SHOWN);
        assertEquals(0, browser.count(function("admin::wipe")), "outside the group's grant");
        browser.click(function("ops::restart") + " button");
        browser.fill("#invoke-payload", "{\"from\":\"the gated console\"}");
        browser.click("#invoke-button");
        browser.waitFor("#invoke-outcome.good", SHOWN);
        assertTrue(browser.text("#invoke-result").contains("the gated console"), browser.text("#invoke-result"));
        assertEquals(List.of(), browser.pageErrors(), "errors in the page's console");
    }

    @Test
    void the_gated_listener_serves_the_consoles_files_and_still_nothing_else() throws Exception {
        assertEquals(200, plainStatus("GET", "/console/"));
        assertEquals(200, plainStatus("GET", "/console/engine.js"));
        assertEquals(200, plainStatus("GET", "/console/settings.json"));
        assertEquals(404, plainStatus("GET", "/health"));
        assertEquals(404, plainStatus("POST", "/console/settings.json"));
        int outside = plainStatus("GET", "/console/../health");
        assertTrue(outside == 404 || outside == 400, "a path that leaves /console: " + outside);
        String settings = new String(plainResponse("GET", "/console/settings.json"), StandardCharsets.UTF_8);
        assertTrue(settings.contains("\"gated\":true"), settings);
    }

    /** The raw response to a plain request of {@code rawPath} (sent as it is) on the gated listener. */
    private static byte[] plainResponse(String method, String rawPath) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", rbacPort)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1:" + rbacPort
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return socket.getInputStream().readAllBytes();
        }
    }

    private static int plainStatus(String method, String rawPath) throws IOException {
        String response = new String(plainResponse(method, rawPath), StandardCharsets.ISO_8859_1);
        return Integer.parseInt(response.substring(response.indexOf(' ') + 1, response.indexOf(' ') + 4));
    }

    @Test
    void a_token_without_the_console_group_is_refused_and_the_page_says_so() throws Exception {
        String staff = token(List.of("staff"));

        assertEquals(200, browser.goTo(console() + "#access_token=" + staff));

        browser.waitFor("#sign-in", SHOWN);
        assertTrue(browser.text("#sign-in-message").contains("refused"), browser.text("#sign-in-message"));
        assertEquals("signed out", browser.text("#status"));
        assertEquals(403, UpgradeProbe.status(rbacPort, Map.of(), "console=1&access_token=" + staff));
        assertEquals(101, UpgradeProbe.status(rbacPort, Map.of(), "access_token=" + staff),
                "as a worker, not the console, the same token is admitted as before");
        assertEquals(List.of(), pageErrorsButRefusedSockets(), "errors in the page's console");
    }

    @Test
    void when_the_token_expires_the_page_closes_its_connection_and_asks_for_a_new_one() throws Exception {
        String shortLived = token("alice", List.of("ops"), "https://issuer.test",
                Instant.now().plusSeconds(4), keys);

        assertEquals(200, browser.goTo(console() + "#access_token=" + shortLived));
        browser.waitFor("#status.open", SHOWN);

        browser.waitFor("#sign-in", SHOWN);
        assertTrue(browser.text("#sign-in-message").contains("expired"), browser.text("#sign-in-message"));
        assertEquals("signed out", browser.text("#status"));
        Await.untilTrue("the console's connection is gone", SHOWN, () -> observer()
                .callOk("engine::workers::list", JsonKit.obj()).getJsonArray("workers").stream()
                .noneMatch(worker -> "console".equals(JsonKit.str(worker.asJsonObject(), "isolation"))));
        assertEquals(List.of(), browser.pageErrors(), "errors in the page's console");
    }

    @Test
    void without_a_token_the_page_asks_for_one_and_signing_in_with_it_connects() throws Exception {
        assertEquals(200, browser.goTo(console()));

        browser.waitFor("#sign-in", SHOWN);
        browser.fill("#sign-in-token", token(List.of("ops")));
        browser.click("#sign-in-button");

        browser.waitFor("#status.open", SHOWN);
        browser.waitFor(function("ops::restart"), SHOWN);
        assertEquals(List.of(), browser.pageErrors(), "errors in the page's console");
    }
}
