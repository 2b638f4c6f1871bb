package iii.engine.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.external.ExternalError.Refused;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** URL validation of external functions under the safe defaults and relaxed by configuration (PROTOCOL.md §8.5). */
class UrlValidatorTest {

    /** Names resolve from this table only: no DNS in unit tests. */
    private static final Map<String, String> DNS = Map.of(
            "api.example.com", "93.184.216.34",
            "internal.example.com", "10.1.2.3",
            "rebind.example.com", "169.254.169.254");

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        var address = DNS.get(host);
        if (address == null) {
            if (host.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':' || Character.isLetter(c))
                    && (host.contains(":") || host.matches("[0-9.]+"))) {
                return new InetAddress[] {InetAddress.getByName(host)}; // a literal: no lookup
            }
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(address)};
    }

    private static UrlValidator defaults() {
        return new UrlValidator(new HttpFunctionsConfig(List.of(), true, true, 30_000), UrlValidatorTest::resolve);
    }

    private static String refusal(UrlValidator validator, String url) {
        var refused = assertThrows(Refused.class, () -> validator.validate(url), url);
        assertEquals(ExternalError.URL_VALIDATION_FAILED, refused.code());
        return refused.getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/f", "https://10.0.0.1/f", "https://169.254.169.254/latest/meta-data",
        "https://[::1]:8443/f", "https://[::ffff:127.0.0.1]/f", "https://192.168.1.1/", "https://172.20.0.1/",
        "https://0.0.0.0/", "https://[fd00::1]/", "https://[fe80::1]/", "https://255.255.255.255/",
        "https://198.51.100.7/", "https://internal.example.com/f", "https://rebind.example.com/f"})
    void private_loopback_link_local_and_metadata_addresses_are_refused_by_default(String url) {
        assertTrue(refusal(defaults(), url).startsWith("Private IP blocked"), url);
    }

    @Test
    void plain_http_is_refused_by_default_even_for_a_public_host() {
        assertTrue(refusal(defaults(), "http://api.example.com/f").startsWith("HTTPS is required"));
        assertTrue(refusal(defaults(), "http://127.0.0.1:8080/f").startsWith("HTTPS is required"));
    }

    @Test
    void a_public_https_url_passes() throws Refused {
        assertEquals("api.example.com", defaults().validate("https://api.example.com/charge").getHost());
        defaults().validate("https://100.64.0.1/"); // shared address space is not private to iii
    }

    @Test
    void malformed_urls_other_schemes_and_unresolvable_hosts_are_refused() {
        assertTrue(refusal(defaults(), "not a url").startsWith("Invalid URL"));
        assertTrue(refusal(defaults(), "ftp://api.example.com/").startsWith("Invalid URL"));
        assertTrue(refusal(defaults(), "https:///path").startsWith("Invalid URL"));
        assertTrue(refusal(defaults(), "https://user:pw@api.example.com/").startsWith("Invalid URL"));
        assertTrue(refusal(defaults(), "https://nowhere.invalid/").startsWith("DNS lookup failed"));
    }

    @Test
    void allowed_host_globs_and_require_https_false_let_a_loopback_test_server_through() throws Refused {
        var relaxed = new UrlValidator(new HttpFunctionsConfig(List.of("127.0.0.1", "*.internal.example.com"), false,
                true, 30_000), UrlValidatorTest::resolve);
        relaxed.validate("http://127.0.0.1:8080/f");
        relaxed.validate("https://svc.internal.example.com/f");
        assertTrue(refusal(relaxed, "http://10.0.0.1/f").startsWith("Private IP blocked"),
                "hosts outside the list stay blocked");
    }
}
