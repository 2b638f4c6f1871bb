package iii.engine.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import iii.engine.testing.LogCapture;
import jakarta.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenVerifierTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final String ISSUER = "https://issuer.example";

    private static final KeyPair RSA = generate("RSA", 2048);
    private static final KeyPair OTHER_RSA = generate("RSA", 2048);
    private static final KeyPair EC = generate("EC", 256);

    private final LogCapture log = new LogCapture();
    private final Logger logger = Logger.getLogger(TokenVerifier.class.getName());

    @BeforeEach
    void captureLog() {
        logger.setUseParentHandlers(false);
        logger.addHandler(log);
    }

    @AfterEach
    void releaseLog() {
        logger.removeHandler(log);
        logger.setUseParentHandlers(true);
    }

    // ---- valid tokens

    @Test
    void validRs256TokenGivesSubjectGroupsAndClaims() throws Exception {
        var token = rs256(claims().claim("groups", List.of("admins", "ops")).claim("tenant", "acme").build());

        var verified = verifier(pem(RSA)).verify(token);

        assertEquals("alice", verified.subject());
        assertEquals(Set.of("admins", "ops"), verified.groups());
        var json = Json.createReader(new StringReader(verified.claimsJson())).readObject();
        assertEquals("alice", json.getString("sub"));
        assertEquals(ISSUER, json.getString("iss"));
        assertEquals("acme", json.getString("tenant"));
        assertEquals(NOW.plusSeconds(300).getEpochSecond(), json.getJsonNumber("exp").longValue());
        assertEquals(2, json.getJsonArray("groups").size());
    }

    @Test
    void validEs256TokenPassesWhenEs256IsConfigured() throws Exception {
        var token = sign(new ECDSASigner((ECPrivateKey) EC.getPrivate()), JWSAlgorithm.ES256, null, claims().build());

        var verified = verifier(Optional.of(pem(EC)), Optional.empty(), "ES256", Optional.empty()).verify(token);

        assertEquals("alice", verified.subject());
    }

    @Test
    void tokenWithoutGroupsHasNoGroupsAndOneWithoutSubjectHasNoSubject() throws Exception {
        var token = rs256(new JWTClaimsSet.Builder().issuer(ISSUER).expirationTime(at(300)).build());

        var verified = verifier(pem(RSA)).verify(token);

        assertNull(verified.subject());
        assertEquals(Set.of(), verified.groups());
    }

    @Test
    void groupsThatAreNotStringsAreMalformed() {
        var token = rs256(claims().claim("groups", List.of(1, 2)).build());

        assertRejected("malformed", verifier(pem(RSA)), token);
    }

    // ---- lifetime

    @Test
    void expiredTokenIsRejected() {
        var token = rs256(claims().expirationTime(at(-61)).build());

        assertRejected("expired", verifier(pem(RSA)), token);
    }

    @Test
    void tokenExpiredWithinTheClockSkewPasses() throws Exception {
        var token = rs256(claims().expirationTime(at(-59)).build());

        assertEquals("alice", verifier(pem(RSA)).verify(token).subject());
    }

    @Test
    void clockSkewIsConfigurable() {
        var token = rs256(claims().expirationTime(at(-5)).build());
        var strict = new TokenVerifier(Optional.of(pem(RSA)), Optional.empty(), Optional.of(ISSUER), "RS256",
                Optional.empty(), 0, Clock.fixed(NOW, ZoneOffset.UTC));

        assertRejected("expired", strict, token);
    }

    @Test
    void tokenWithoutExpIsRejected() {
        var token = rs256(new JWTClaimsSet.Builder().subject("alice").issuer(ISSUER).build());

        assertRejected("no expiry", verifier(pem(RSA)), token);
    }

    @Test
    void tokenNotYetValidIsRejected() {
        var token = rs256(claims().notBeforeTime(at(61)).build());

        assertRejected("not yet valid", verifier(pem(RSA)), token);
    }

    @Test
    void tokenIssuedInTheFutureIsRejected() {
        var token = rs256(claims().issueTime(at(61)).build());

        assertRejected("issued in the future", verifier(pem(RSA)), token);
    }

    @Test
    void notBeforeAndIssuedAtWithinTheClockSkewPass() throws Exception {
        var token = rs256(claims().notBeforeTime(at(59)).issueTime(at(59)).build());

        assertEquals("alice", verifier(pem(RSA)).verify(token).subject());
    }

    // ---- issuer and audience

    @Test
    void wrongIssuerIsRejected() {
        var token = rs256(claims().issuer("https://someone.else").build());

        assertRejected("wrong issuer", verifier(pem(RSA)), token);
    }

    @Test
    void missingIssuerIsRejectedWhenAnIssuerIsConfigured() {
        var token = rs256(new JWTClaimsSet.Builder().subject("alice").expirationTime(at(300)).build());

        assertRejected("wrong issuer", verifier(pem(RSA)), token);
    }

    @Test
    void anyIssuerPassesWhenNoneIsConfigured() throws Exception {
        var token = rs256(claims().issuer("https://someone.else").build());
        var verifier = new TokenVerifier(Optional.of(pem(RSA)), Optional.empty(), Optional.empty(), "RS256",
                Optional.empty(), 60, Clock.fixed(NOW, ZoneOffset.UTC));

        assertEquals("alice", verifier.verify(token).subject());
    }

    @Test
    void wrongAudienceIsRejected() {
        var token = rs256(claims().audience("billing").build());

        assertRejected("audience", verifier(Optional.of(pem(RSA)), Optional.empty(), "RS256",
                Optional.of("engine, workers")), token);
    }

    @Test
    void missingAudienceIsRejectedWhenAudiencesAreConfigured() {
        var token = rs256(claims().build());

        assertRejected("audience", verifier(Optional.of(pem(RSA)), Optional.empty(), "RS256",
                Optional.of("engine")), token);
    }

    @Test
    void oneOfTheConfiguredAudiencesIsEnough() throws Exception {
        var token = rs256(claims().audience(List.of("billing", "workers")).build());

        var verified = verifier(Optional.of(pem(RSA)), Optional.empty(), "RS256", Optional.of("engine,workers"))
                .verify(token);

        assertEquals("alice", verified.subject());
    }

    // ---- signatures and algorithms

    @Test
    void tokenSignedByAnotherKeyHasABadSignature() {
        var token = sign(new RSASSASigner(OTHER_RSA.getPrivate()), JWSAlgorithm.RS256, null, claims().build());

        assertRejected("bad signature", verifier(pem(RSA)), token);
    }

    @Test
    void tamperedPayloadHasABadSignature() {
        var parts = rs256(claims().build()).split("\\.");
        var forged = claims().subject("mallory").claim("groups", List.of("admins")).build().toString();
        var token = parts[0] + "." + Base64URL.encode(forged) + "." + parts[2];

        assertRejected("bad signature", verifier(pem(RSA)), token);
    }

    @Test
    void unsignedTokenIsRejected() {
        var token = new PlainJWT(claims().build()).serialize();

        assertRejected("algorithm not allowed", verifier(pem(RSA)), token);
    }

    @Test
    void algNoneHeaderOverAValidSignatureIsRejected() {
        var parts = rs256(claims().build()).split("\\.");
        var token = Base64URL.encode("{\"alg\":\"none\"}") + "." + parts[1] + "." + parts[2];

        assertThrows(TokenRejected.class, () -> verifier(pem(RSA)).verify(token));
    }

    @Test
    void hs256TokenKeyedWithThePublicKeyIsRejected() throws Exception {
        var key = pem(RSA);
        var token = sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, null,
                claims().build());

        assertRejected("algorithm not allowed", verifier(key), token);
    }

    @Test
    void tokenOfAnotherAlgorithmThanConfiguredIsRejected() throws Exception {
        var token = sign(new ECDSASigner(privateEc()), JWSAlgorithm.ES256, null, claims().build());

        assertRejected("algorithm not allowed", verifier(pem(RSA)), token);
    }

    @Test
    void otherRsaAlgorithmsPassWhenConfigured() throws Exception {
        for (var algorithm : List.of(JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256)) {
            var token = sign(new RSASSASigner(RSA.getPrivate()), algorithm, null, claims().build());

            var verified = verifier(Optional.of(pem(RSA)), Optional.empty(), algorithm.getName(), Optional.empty())
                    .verify(token);

            assertEquals("alice", verified.subject(), algorithm.getName());
        }
    }

    @Test
    void es384NeedsAP384Key() {
        var verifier = verifier(Optional.of(pem(EC)), Optional.empty(), "ES384", Optional.empty());

        assertTrue(verifier.enabled());
        assertRejected("no key", verifier, rs256(claims().build()));
        assertSevere("ES384");
    }

    // ---- bad input

    @Test
    void garbageIsMalformed() {
        var verifier = verifier(pem(RSA));

        for (var garbage : List.of("not a token", "a.b.c", "....", "eyJhbGciOiJSUzI1NiJ9", "\u0000\uFFFF")) {
            assertRejected("malformed", verifier, garbage);
        }
    }

    @Test
    void emptyTokenIsMissing() {
        var verifier = verifier(pem(RSA));

        assertRejected("missing", verifier, "");
        assertRejected("missing", verifier, "   ");
        assertRejected("missing", verifier, null);
    }

    @Test
    void claimsThatAreNotAJsonObjectAreMalformed() {
        var header = new JWSHeader(JWSAlgorithm.RS256);
        var signingInput = header.toBase64URL() + "." + Base64URL.encode("[1,2]");
        var token = signingInput + "." + signature(signingInput);

        assertRejected("malformed", verifier(pem(RSA)), token);
    }

    // ---- key formats and locations

    @Test
    void publicKeyAsAJwk() throws Exception {
        var jwk = new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).build().toJSONString();

        assertEquals("alice", verifier(jwk).verify(rs256(claims().build())).subject());
    }

    @Test
    void jwkWithPrivatePartsIsUsedForItsPublicPartOnly() throws Exception {
        var jwk = new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).privateKey(RSA.getPrivate()).build()
                .toJSONString();

        assertEquals("alice", verifier(jwk).verify(rs256(claims().build())).subject());
    }

    @Test
    void jwksWithSeveralKeysPicksTheKeyByKid() throws Exception {
        var verifier = verifier(jwks());
        var second = sign(new RSASSASigner(OTHER_RSA.getPrivate()), JWSAlgorithm.RS256, "second", claims().build());
        var first = sign(new RSASSASigner(RSA.getPrivate()), JWSAlgorithm.RS256, "first", claims().build());
        var misnamed = sign(new RSASSASigner(OTHER_RSA.getPrivate()), JWSAlgorithm.RS256, "first", claims().build());
        var unknown = sign(new RSASSASigner(RSA.getPrivate()), JWSAlgorithm.RS256, "third", claims().build());

        assertEquals("alice", verifier.verify(second).subject());
        assertEquals("alice", verifier.verify(first).subject());
        assertRejected("bad signature", verifier, misnamed);
        assertRejected("no key matches", verifier, unknown);
    }

    @Test
    void jwksKeysOfOtherTypesAreIgnored() throws Exception {
        var set = new JWKSet(List.of(
                new OctetSequenceKey.Builder(new byte[32]).keyID("secret").build(),
                new ECKey.Builder(Curve.P_256, (ECPublicKey) EC.getPublic()).keyID("ec").build(),
                new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).keyID("rsa").build())).toString(false);
        var verifier = verifier(set);

        assertEquals("alice", verifier.verify(sign(new RSASSASigner(RSA.getPrivate()), JWSAlgorithm.RS256, "rsa",
                claims().build())).subject());
        assertRejected("no key matches", verifier, sign(new RSASSASigner(RSA.getPrivate()), JWSAlgorithm.RS256,
                "secret", claims().build()));
    }

    @Test
    void onlyASymmetricKeyIsABadConfiguration() throws Exception {
        var secret = new OctetSequenceKey.Builder(new byte[32]).build().toJSONString();

        var verifier = verifier(secret);

        assertTrue(verifier.enabled());
        assertRejected("no key", verifier, sign(new MACSigner(new byte[32]), JWSAlgorithm.HS256, null,
                claims().build()));
        assertSevere("none that verifies RS256");
    }

    @Test
    void publicKeyAsBareBase64() throws Exception {
        var bare = Base64.getEncoder().encodeToString(RSA.getPublic().getEncoded());

        assertEquals("alice", verifier(bare).verify(rs256(claims().build())).subject());
    }

    @Test
    void publicKeyAsBase64UrlEncodedJwks() throws Exception {
        var encoded = Base64URL.encode(jwks()).toString();

        var token = sign(new RSASSASigner(OTHER_RSA.getPrivate()), JWSAlgorithm.RS256, "second", claims().build());

        assertEquals("alice", verifier(encoded).verify(token).subject());
    }

    @Test
    void locationAsAFilePath(@TempDir Path dir) throws Exception {
        var file = Files.writeString(dir.resolve("public.pem"), pem(RSA));

        var verifier = located(file.toString());

        assertTrue(verifier.enabled());
        assertEquals("alice", verifier.verify(rs256(claims().build())).subject());
    }

    @Test
    void locationAsAFileUrl(@TempDir Path dir) throws Exception {
        var file = Files.writeString(dir.resolve("keys.json"), jwks());
        var token = sign(new RSASSASigner(RSA.getPrivate()), JWSAlgorithm.RS256, "first", claims().build());

        assertEquals("alice", located(file.toUri().toString()).verify(token).subject());
    }

    @Test
    void locationAsAClassPathResource(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("META-INF"));
        Files.writeString(dir.resolve("META-INF/public.pem"), pem(RSA));
        var thread = Thread.currentThread();
        var previous = thread.getContextClassLoader();
        try (var loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, previous)) {
            thread.setContextClassLoader(loader);
            var plain = located("META-INF/public.pem");
            var prefixed = located("classpath:/META-INF/public.pem");
            thread.setContextClassLoader(previous);

            assertEquals("alice", plain.verify(rs256(claims().build())).subject());
            assertEquals("alice", prefixed.verify(rs256(claims().build())).subject());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Test
    void missingLocationIsLoggedAndRejectsEveryToken(@TempDir Path dir) {
        var missing = dir.resolve("absent.pem").toString();

        var verifier = located(missing);

        assertTrue(verifier.enabled());
        assertRejected("no key", verifier, rs256(claims().build()));
        assertSevere(missing);
    }

    @Test
    void remoteLocationIsABadConfiguration() {
        var verifier = located("https://issuer.example/jwks.json");

        assertRejected("no key", verifier, rs256(claims().build()));
        assertSevere("remote URL");
    }

    @Test
    void unreadableKeyTextIsLoggedAndRejectsEveryToken() {
        for (var bad : List.of("not a key", "{\"kty\":\"RSA\"}", "{\"keys\":[]}",
                "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----\nMIIB",
                privatePem())) {
            log.records().clear();

            var verifier = verifier(bad);

            assertTrue(verifier.enabled(), bad);
            assertRejected("no key", verifier, rs256(claims().build()));
            assertSevere(TokenVerifier.PUBLIC_KEY);
        }
    }

    @Test
    void bothKeySettingsAtOnceAreABadConfiguration(@TempDir Path dir) throws Exception {
        var file = Files.writeString(dir.resolve("public.pem"), pem(RSA));

        var verifier = verifier(Optional.of(pem(RSA)), Optional.of(file.toString()), "RS256", Optional.empty());

        assertRejected("no key", verifier, rs256(claims().build()));
        assertSevere("both set");
    }

    @Test
    void unsupportedAlgorithmSettingIsABadConfiguration() {
        for (var algorithm : List.of("HS256", "none", "EdDSA", "RSA-OAEP", "nonsense")) {
            log.records().clear();

            var verifier = verifier(Optional.of(pem(RSA)), Optional.empty(), algorithm, Optional.empty());

            assertRejected("no key", verifier, rs256(claims().build()));
            assertSevere("not supported");
        }
    }

    @Test
    void noKeyConfiguredMeansNotEnabled() {
        var unset = verifier(Optional.empty(), Optional.empty(), "RS256", Optional.empty());
        var blank = verifier(Optional.of(" "), Optional.of(""), "RS256", Optional.empty());

        assertFalse(unset.enabled());
        assertFalse(blank.enabled());
        assertRejected("no key", unset, rs256(claims().build()));
        assertTrue(log.records().isEmpty());
    }

    // ---- the Authorization header

    @Test
    void bearerTakesTheTokenOfABearerAuthorization() {
        assertEquals("xyz", TokenVerifier.bearer("Bearer xyz"));
        assertEquals("xyz", TokenVerifier.bearer("bearer xyz"));
        assertEquals("a.b-c_d", TokenVerifier.bearer("  BEARER   a.b-c_d  "));
        assertNull(TokenVerifier.bearer(null));
        assertNull(TokenVerifier.bearer(""));
        assertNull(TokenVerifier.bearer("Bearer"));
        assertNull(TokenVerifier.bearer("Bearer   "));
        assertNull(TokenVerifier.bearer("Bearerxyz"));
        assertNull(TokenVerifier.bearer("Basic dXNlcjpwYXNz"));
        assertNull(TokenVerifier.bearer("Bearer two words"));
    }

    // ---- making keys and tokens

    private static KeyPair generate(String algorithm, int size) {
        try {
            var generator = KeyPairGenerator.getInstance(algorithm);
            if ("EC".equals(algorithm)) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(size);
            }
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static String privatePem() {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(RSA.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static String jwks() {
        return new JWKSet(List.of(
                new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).keyID("first").build(),
                new RSAKey.Builder((RSAPublicKey) OTHER_RSA.getPublic()).keyID("second").build())).toString();
    }

    private static ECPrivateKey privateEc() {
        return (ECPrivateKey) EC.getPrivate();
    }

    private static Date at(long secondsFromNow) {
        return Date.from(NOW.plusSeconds(secondsFromNow));
    }

    /** Claims that pass: subject alice, the configured issuer, five minutes left. */
    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("alice").issuer(ISSUER).issueTime(at(-10))
                .expirationTime(at(300));
    }

    private static String rs256(JWTClaimsSet claims) {
        return sign(new RSASSASigner(RSA.getPrivate()), JWSAlgorithm.RS256, null, claims);
    }

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, String keyId, JWTClaimsSet claims) {
        var jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(keyId).build(),
                claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static String signature(String signingInput) {
        try {
            return new RSASSASigner(RSA.getPrivate()).sign(new JWSHeader(JWSAlgorithm.RS256),
                    signingInput.getBytes(StandardCharsets.US_ASCII)).toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TokenVerifier verifier(String key) {
        return verifier(Optional.of(key), Optional.empty(), "RS256", Optional.empty());
    }

    private static TokenVerifier located(String location) {
        return verifier(Optional.empty(), Optional.of(location), "RS256", Optional.empty());
    }

    private static TokenVerifier verifier(Optional<String> key, Optional<String> location, String algorithm,
                                          Optional<String> audiences) {
        return new TokenVerifier(key, location, Optional.of(ISSUER), algorithm, audiences, 60,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static void assertRejected(String reason, TokenVerifier verifier, String token) {
        var rejected = assertThrows(TokenRejected.class, () -> verifier.verify(token), reason);
        assertEquals(reason, rejected.reason());
    }

    private void assertSevere(String fragment) {
        assertTrue(log.records().stream().anyMatch(record -> record.getLevel() == Level.SEVERE
                        && record.getMessage().contains(fragment)),
                () -> "a SEVERE record containing '" + fragment + "' in " + log.records().stream()
                        .map(record -> record.getLevel() + " " + record.getMessage()).toList());
    }
}
