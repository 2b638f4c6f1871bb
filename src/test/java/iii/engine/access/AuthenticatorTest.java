package iii.engine.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.io.StringReader;
import java.lang.reflect.Proxy;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {

    private static final RbacConfig CONFIG = new RbacConfig(49135, null, 1000, 4, List.of(), null, null, null, null,
            List.of("https://app.example"), Map.of("ops", List.of("ops::*")));
    private static final TokenVerifier NO_KEY = new TokenVerifier(java.util.Optional.empty(),
            java.util.Optional.empty(), java.util.Optional.empty(), "RS256", java.util.Optional.empty(), 60);

    /** A request as the container hands it over: headers by their sent names, query parameters, the peer. */
    private static HttpServletRequest request(Map<String, List<String>> headers, Map<String, String[]> query) {
        return (HttpServletRequest) Proxy.newProxyInstance(AuthenticatorTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaderNames" -> Collections.enumeration(headers.keySet());
                    case "getHeaders" -> Collections.enumeration(headers.getOrDefault((String) args[0], List.of()));
                    case "getHeader" -> headers.entrySet().stream()
                            .filter(e -> e.getKey().equalsIgnoreCase((String) args[0]))
                            .map(e -> e.getValue().get(0)).findFirst().orElse(null);
                    case "getParameterMap" -> query;
                    case "getParameter" -> query.containsKey((String) args[0]) ? query.get((String) args[0])[0] : null;
                    case "getRemoteAddr" -> "192.0.2.7";
                    case "getLocalPort" -> 49135;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    @Test
    void the_auth_input_has_lower_case_headers_query_values_as_arrays_the_peer_and_the_verified_claims() {
        var headers = new LinkedHashMap<String, List<String>>();
        headers.put("X-Test-Token", List.of("valid"));
        headers.put("Accept", List.of("a", "b"));
        var input = parse(Authenticator.authInput(request(headers, Map.of("token", new String[] {"t1", "t2"})),
                new VerifiedToken("alice", Set.of("ops"), "{\"sub\":\"alice\",\"groups\":[\"ops\"]}")));

        assertEquals("valid", input.getJsonObject("headers").getString("x-test-token"));
        assertEquals("a, b", input.getJsonObject("headers").getString("accept"));
        assertEquals(List.of("t1", "t2"), input.getJsonObject("query_params").getJsonArray("token")
                .getValuesAs(jakarta.json.JsonString::getString));
        assertEquals("192.0.2.7", input.getString("ip_address"));
        assertEquals("alice", input.getJsonObject("jwt").getString("sub"));
    }

    @Test
    void without_a_token_the_auth_input_has_no_jwt() {
        var input = parse(Authenticator.authInput(request(Map.of(), Map.of()), null));

        assertFalse(input.containsKey("jwt"));
        assertTrue(input.getJsonObject("query_params").isEmpty());
    }

    @Test
    void a_foreign_origin_is_refused_with_403_and_no_origin_or_the_allowed_one_passes() throws Exception {
        var authenticator = new Authenticator(CONFIG, NO_KEY, null, null);

        var refused = assertThrows(Authenticator.Refused.class, () -> authenticator.authenticate(
                request(Map.of("Origin", List.of("https://evil.example")), Map.of())));
        assertEquals(403, refused.status());
        assertTrue(authenticator.authenticate(request(Map.of("Origin", List.of("https://app.example")), Map.of()))
                .identity().startsWith("session:"));
        assertTrue(authenticator.authenticate(request(Map.of(), Map.of())).allowFunctionRegistration());
    }

    @Test
    void an_auth_result_becomes_a_grant_with_iiis_defaults_and_the_identity_from_its_context() throws Exception {
        var authenticator = new Authenticator(CONFIG, NO_KEY, null, null);

        var grant = authenticator.grant(parse("{\"allowed_functions\":[\"a::b\"],\"context\":{\"user_id\":\"u1\"}}"),
                null, List.of("ops::*"));

        assertEquals("user:u1", grant.identity());
        assertEquals(List.of("a::b", "ops::*"), grant.allowedFunctions());
        assertNull(grant.allowedTriggerTypes(), "absent: every trigger type");
        assertFalse(grant.allowTriggerTypeRegistration());
        assertTrue(grant.allowFunctionRegistration());
        assertNull(grant.functionPrefix());
    }

    @Test
    void the_tokens_subject_wins_over_the_context_as_identity() throws Exception {
        var authenticator = new Authenticator(CONFIG, NO_KEY, null, null);

        var grant = authenticator.grant(parse("{\"context\":{\"user_id\":\"u1\"}}"),
                new VerifiedToken("alice", Set.of(), "{}"), List.of());

        assertEquals("user:alice", grant.identity());
    }

    @Test
    void an_auth_result_of_the_wrong_shape_refuses_the_connection() {
        var authenticator = new Authenticator(CONFIG, NO_KEY, null, null);

        for (var result : List.of("{\"allowed_functions\":\"a::b\"}", "{\"allowed_functions\":[1]}",
                "{\"allow_function_registration\":\"yes\"}", "{\"allowed_trigger_types\":{}}")) {
            var refused = assertThrows(Authenticator.Refused.class,
                    () -> authenticator.grant(parse(result), null, List.of()), result);
            assertEquals(401, refused.status(), result);
        }
    }

    // the console's page on the gated listener

    private static final KeyPair KEYS = rsa();
    private static final TokenVerifier KEY = new TokenVerifier(Optional.of("-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(KEYS.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n"), Optional.empty(), Optional.empty(), "RS256", Optional.empty(), 60);

    private static KeyPair rsa() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String token(String... groups) throws JOSEException {
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder().subject("alice")
                .claim("groups", List.of(groups)).expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
        jwt.sign(new RSASSASigner(KEYS.getPrivate()));
        return jwt.serialize();
    }

    private static Authenticator consoleGroup(String group, TokenVerifier tokens) {
        return new Authenticator(group == null
                ? RbacConfigTest.config("iii.rbac.group.ops.allowed-functions", "ops::*")
                : RbacConfigTest.config("iii.rbac.group.ops.allowed-functions", "ops::*", "iii.console.group", group),
                tokens, null, null);
    }

    private static Map<String, String[]> query(String token, boolean console) {
        return console ? Map.of("access_token", new String[] {token}, Authenticator.CONSOLE, new String[] {"1"})
                : Map.of("access_token", new String[] {token});
    }

    @Test
    void a_console_upgrade_with_a_token_of_the_console_group_gets_its_groups_calls_and_registers_only_its_events()
            throws Exception {
        var authenticator = consoleGroup("ops", KEY);

        var grant = authenticator.authenticate(request(Map.of(), query(token("ops"), true)));

        assertTrue(authenticator.servesConsole());
        assertEquals("user:alice", grant.identity());
        assertTrue(grant.mayCall("ops::restart", null));
        assertFalse(grant.mayCall("admin::wipe", null));
        assertTrue(grant.mayRegister("console::events::0b6c5bd8-4c36-4a0e-9d3f-58a1c4a0f7de"));
        assertFalse(grant.mayRegister("ops::restart"));
        assertFalse(grant.allowTriggerTypeRegistration());
        assertFalse(grant.mayUseTriggerType("http"), "only the discovery types, which every session may bind");
    }

    @Test
    void a_console_upgrade_without_the_console_group_or_where_no_console_is_served_is_refused_with_403()
            throws Exception {
        var token = token("ops");

        var notInGroup = assertThrows(Authenticator.Refused.class, () -> consoleGroup("console-admins", KEY)
                .authenticate(request(Map.of(), query(token, true))));
        var noConsoleGroup = assertThrows(Authenticator.Refused.class, () -> consoleGroup(null, KEY)
                .authenticate(request(Map.of(), query(token, true))));
        var noKey = assertThrows(Authenticator.Refused.class, () -> consoleGroup("ops", NO_KEY)
                .authenticate(request(Map.of(), Map.of(Authenticator.CONSOLE, new String[] {"1"}))));

        assertEquals(403, notInGroup.status());
        assertEquals("the token's groups do not include the console's group", notInGroup.getMessage());
        assertEquals(403, noConsoleGroup.status());
        assertEquals(403, noKey.status());
        assertEquals("the console is not served on this listener", noKey.getMessage());
        assertFalse(consoleGroup("ops", NO_KEY).servesConsole(), "without a token key the group is no one's");
    }

    @Test
    void an_upgrade_that_is_not_the_consoles_gains_and_loses_nothing_from_the_console_group() throws Exception {
        var token = token("ops");

        var withGroup = consoleGroup("ops", KEY).authenticate(request(Map.of(), query(token, false)));
        var without = consoleGroup(null, KEY).authenticate(request(Map.of(), query(token, false)));

        assertEquals(without.allowedFunctions(), withGroup.allowedFunctions());
        assertTrue(withGroup.mayRegister("ops::restart"));
        assertTrue(withGroup.allowTriggerTypeRegistration());
        assertNull(withGroup.allowedTriggerTypes());
        assertNull(withGroup.registrableFunctions());
    }
}
