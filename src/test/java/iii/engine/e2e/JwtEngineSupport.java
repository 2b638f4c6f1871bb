package iii.engine.e2e;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import iii.engine.bench.Server;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * Tests on an engine of their own whose RBAC-gated listener verifies MicroProfile JWTs: a key pair made here, the
 * public key given to the engine as {@code mp.jwt.verify.publickey}, tokens signed here, and a worker on the trusted
 * listener serving echo functions. A subclass starts it in its {@code @BeforeAll} with {@link #startEngine}.
 */
abstract class JwtEngineSupport extends E2eSupport {

    static Server engine;
    static int rbacPort;
    static KeyPair keys;
    static JavaWorker owner;

    /** Starts the engine {@code name} with {@code settings} and a worker {@code ownerName} with {@code functions}. */
    static void startEngine(String name, Map<String, String> settings, String ownerName, String... functions)
            throws Exception {
        keys = rsa();
        rbacPort = Server.freePort();
        Map<String, String> env = new LinkedHashMap<>(settings);
        env.put("III_RBAC_PORT", Integer.toString(rbacPort));
        env.put("MP_JWT_VERIFY_PUBLICKEY", "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        Path root = NodeWorker.projectDir();
        engine = Server.start(name, root, Path.of(System.getProperty("java.home")),
                root.resolve("target/payara-micro.jar"), EngineProcess.war(), Server.freePort(), Server.freePort(),
                true, List.of("-Xmx1g"), env, EngineProcess.scratchDirectory(name));
        engine.awaitReady(200);
        owner = JavaWorker.connectRegistered(URI.create("ws://127.0.0.1:" + engine.port + "/"), ownerName);
        for (String function : functions) {
            owner.registerFunction(function, JavaWorker.echo());
        }
        Await.untilTrue("the owner's functions are listed", Duration.ofSeconds(20),
                () -> owner.functionListed(functions[functions.length - 1]));
    }

    @AfterAll
    static void stopEngine() {
        if (owner != null) {
            owner.close();
            owner = null;
        }
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }

    @Override
    protected URI ws() {
        return URI.create("ws://127.0.0.1:" + engine.port + "/");
    }

    static KeyPair rsa() throws NoSuchAlgorithmException {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    static String token(String subject, List<String> groups, String issuer, Instant expires, KeyPair signer)
            throws JOSEException {
        var claims = new JWTClaimsSet.Builder().subject(subject).issuer(issuer).claim("groups", groups)
                .issueTime(Date.from(Instant.now().minusSeconds(5))).expirationTime(Date.from(expires)).build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner((RSAPrivateKey) signer.getPrivate()));
        return jwt.serialize();
    }
}
