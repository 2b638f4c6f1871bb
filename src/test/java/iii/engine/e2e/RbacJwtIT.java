package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import iii.sdk.ForbiddenException;
import iii.sdk.Iii;
import iii.sdk.IiiOptions;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The RBAC-gated listener with MicroProfile JWT settings and no auth function. A token's {@code groups} grant the
 * globs of {@code iii.rbac.group.<group>.allowed-functions}; its subject is the session's identity.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RbacJwtIT extends JwtEngineSupport {

    private static final String ISSUER = "https://issuer.test";

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    static void startEngine() throws Exception {
        startEngine("rbac-jwt-engine", Map.of("III_RBAC_EXPOSE_FUNCTIONS", "jwt-public::*",
                "III_RBAC_GROUP_OPS_ALLOWED_FUNCTIONS", "ops::*", "MP_JWT_VERIFY_ISSUER", ISSUER),
                "jwt-owner", "ops::restart", "admin::wipe", "jwt-public::echo");
    }

    private static String token(String subject, List<String> groups) throws JOSEException {
        return token(subject, groups, ISSUER, Instant.now().plusSeconds(600), keys);
    }

    private NodeWorker session(Sdk sdk, String token) {
        var options = NodeWorker.options().telemetry(false).readyFunction("engine::log::info");
        if (sdk == Sdk.V0_2_1) {
            return node(sdk, URI.create("ws://127.0.0.1:" + rbacPort + "/?access_token=" + token), options);
        }
        return node(sdk, URI.create("ws://127.0.0.1:" + rbacPort + "/"),
                options.headers(Map.of("Authorization", "Bearer " + token)));
    }

    @Test
    void a_valid_token_by_header_or_query_admits_and_its_groups_grant_their_functions() throws Exception {
        String opsToken = token("alice", List.of("ops"));
        for (Sdk sdk : List.of(Sdk.V0_22_1, Sdk.V0_2_1)) {
            NodeWorker session = session(sdk, opsToken);

            assertCallOk(session.call("ops::restart", JsonKit.obj("n", 1)));
            assertCallOk(session.call("jwt-public::echo", JsonKit.obj("n", 2)));
            assertCallError(session.call("admin::wipe", JsonKit.obj()), "FORBIDDEN");
        }
        NodeWorker noGroups = session(Sdk.V0_22_1, token("carol", List.of()));
        assertCallError(noGroups.call("ops::restart", JsonKit.obj()), "FORBIDDEN");
        assertCallOk(noGroups.call("jwt-public::echo", JsonKit.obj()));
    }

    @Test
    void java_sdk_worker_with_a_bearer_token_calls_what_its_groups_grant_and_is_forbidden_the_rest()
            throws Exception {
        Iii java = closeLater(Iii.connect(URI.create("ws://127.0.0.1:" + rbacPort + "/"),
                IiiOptions.builder().workerName("jwt-java").bearerToken(token("dave", List.of("ops"))).build()));

        JsonObject granted = java.call("ops::restart", Map.of("n", 1), JsonObject.class).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        ExecutionException denied = assertThrows(ExecutionException.class, () -> java.call("admin::wipe", Map.of(),
                JsonObject.class).toCompletableFuture().get(20, TimeUnit.SECONDS));

        assertEquals(1, granted.getInt("n"));
        assertInstanceOf(ForbiddenException.class, denied.getCause());
    }

    @Test
    void java_sdk_worker_with_an_expired_token_fails_its_calls_as_forbidden_not_at_their_timeout() throws Exception {
        String expired = token("erin", List.of("ops"), ISSUER, Instant.now().minusSeconds(600), keys);
        Iii worker = closeLater(Iii.connect(URI.create("ws://127.0.0.1:" + rbacPort + "/"),
                IiiOptions.builder().workerName("jwt-expired").bearerToken(expired)
                        .invocationTimeout(java.time.Duration.ofSeconds(120)).build()));

        // well within the call's own 120 s: the engine's 401 to the handshake is what fails it
        ExecutionException refused = assertThrows(ExecutionException.class, () -> worker.call("ops::restart",
                Map.of("n", 1), JsonObject.class).toCompletableFuture().get(20, TimeUnit.SECONDS));

        assertInstanceOf(ForbiddenException.class, refused.getCause());
        assertTrue(refused.getCause().getMessage().contains("401"), refused.getCause().getMessage());
    }

    @Test
    void expired_wrongly_issued_foreign_or_missing_tokens_are_refused_with_401() throws Exception {
        Instant future = Instant.now().plusSeconds(600);

        assertEquals(401, status(token("alice", List.of("ops"), ISSUER, Instant.now().minusSeconds(600), keys)),
                "expired");
        assertEquals(401, status(token("alice", List.of("ops"), "https://other.test", future, keys)), "issuer");
        assertEquals(401, status(token("alice", List.of("ops"), ISSUER, future, rsa())), "signed by another key");
        assertEquals(401, status("not.a.token"), "garbage");
        assertEquals(401, UpgradeProbe.status(rbacPort, Map.of(), null), "no token");
        assertEquals(401, UpgradeProbe.status(rbacPort, Map.of(), "access_token="), "an empty token");
        assertEquals(101, status(token("alice", List.of("ops"))), "a good token");
    }

    @Test
    void the_tokens_subject_owns_what_its_sessions_register() throws Exception {
        String id = "jwt-owned::" + shortId();
        NodeWorker alice = session(Sdk.V0_22_1, token("alice", List.of()));
        alice.registerFunction(id, "constant", "result", JsonKit.obj("by", "alice"));
        awaitFunctionListed(id);

        NodeWorker bob = session(Sdk.V0_22_1, token("bob", List.of()));
        bob.registerFunction(id, "constant", "result", JsonKit.obj("by", "bob"));
        NodeWorker aliceAgain = session(Sdk.V0_22_1, token("alice", List.of()));
        aliceAgain.registerFunction(id, "constant", "result", JsonKit.obj("by", "alice again"));

        Await.untilTrue("alice's second connection serves " + id, MEDIUM,
                () -> "alice again".equals(JsonKit.str(observer().callOk(id, JsonKit.obj()), "by")));
        assertFalse(bob.events(NodeWorker.invoked(id)).size() > 0, "bob never got " + id);
    }

    private static int status(String token) throws IOException {
        return UpgradeProbe.status(rbacPort, Map.of("Authorization", "Bearer " + token), null);
    }
}
