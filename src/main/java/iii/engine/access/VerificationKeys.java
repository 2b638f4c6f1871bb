package iii.engine.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public keys a token may be signed with, read once from MicroProfile JWT's key formats: PEM {@code PUBLIC KEY}
 * (RSA or EC; also its bare Base64), a JWK, or a JWK set, as JSON or Base64URL-encoded JSON. Only keys that can verify the configured algorithm are kept, each with its verifier; a
 * symmetric ({@code oct}) key is never used, so a public key can never act as an HMAC secret.
 */
final class VerificationKeys {

    /** The algorithms a token may be configured to use: the asymmetric ones nimbus verifies without extra libraries. */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    /** A usable key: its id ({@code kid}, null when it has none) and the verifier made from it. */
    record Entry(String keyId, JWSVerifier verifier) {
    }

    private final JWSAlgorithm algorithm;
    private final List<Entry> entries;

    private VerificationKeys(JWSAlgorithm algorithm, List<Entry> entries) {
        this.algorithm = algorithm;
        this.entries = List.copyOf(entries);
    }

    /** The algorithm every token must be signed with. */
    JWSAlgorithm algorithm() {
        return algorithm;
    }

    /** How many usable keys were found. */
    int size() {
        return entries.size();
    }

    /**
     * The keys to try for a token with this {@code kid}: those with that id, else those that have no id (a PEM key);
     * for a token without {@code kid}, every key.
     */
    List<Entry> candidates(String keyId) {
        if (keyId == null) {
            return entries;
        }
        var named = entries.stream().filter(entry -> keyId.equals(entry.keyId())).toList();
        return named.isEmpty() ? entries.stream().filter(entry -> entry.keyId() == null).toList() : named;
    }

    /** The algorithm named by {@code mp.jwt.verify.publickey.algorithm}, when it is one of {@link #ALGORITHMS}. */
    static JWSAlgorithm algorithm(String name) throws BadKeyConfiguration {
        var algorithm = JWSAlgorithm.parse(name.strip().toUpperCase(Locale.ROOT));
        if (!ALGORITHMS.contains(algorithm)) {
            throw new BadKeyConfiguration("algorithm '" + name.strip() + "' is not supported; use one of "
                    + ALGORITHMS.stream().map(JWSAlgorithm::getName).sorted().toList());
        }
        return algorithm;
    }

    /**
     * The keys in {@code text} that fit {@code algorithm}.
     *
     * @param source where the text came from, for the message of a failure
     * @throws BadKeyConfiguration when the text holds no key in a known format, or none that fits
     */
    static VerificationKeys parse(String text, JWSAlgorithm algorithm, String source) throws BadKeyConfiguration {
        var keys = jwks(text.strip(), source);
        var entries = new ArrayList<Entry>();
        for (var key : keys) {
            var publicPart = key.toPublicJWK(); // a symmetric key has none
            var verifier = publicPart == null ? null : verifier(publicPart, algorithm);
            if (verifier != null) {
                entries.add(new Entry(key.getKeyID(), verifier));
            }
        }
        if (entries.isEmpty()) {
            throw new BadKeyConfiguration(source + " holds " + keys.size() + " key(s) but none that verifies "
                    + algorithm.getName() + (algorithm.getName().startsWith("ES") ? " (an EC key on curve "
                    + Curve.forJWSAlgorithm(algorithm).iterator().next() + ")" : " (an RSA key)"));
        }
        return new VerificationKeys(algorithm, entries);
    }

    /**
     * The text at {@code location}: a {@code file:} URL, a file path, or a class-path resource (optionally written
     * {@code classpath:NAME}), looked up in that order.
     *
     * @throws BadKeyConfiguration when it is none of these or cannot be read
     */
    static String read(String location, ClassLoader classLoader) throws BadKeyConfiguration {
        var where = location.strip();
        try {
            if (where.startsWith("classpath:")) {
                return resource(where.substring("classpath:".length()), classLoader, location);
            }
            if (where.startsWith("file:")) {
                return Files.readString(Path.of(URI.create(where)), StandardCharsets.UTF_8);
            }
            if (where.matches("(?i)https?:.*")) {
                throw new BadKeyConfiguration("key location '" + location + "' is a remote URL; only a file or "
                        + "a class-path resource is read");
            }
            if (isFile(where)) {
                return Files.readString(Path.of(where), StandardCharsets.UTF_8);
            }
            return resource(where, classLoader, location);
        } catch (IOException | RuntimeException e) {
            throw new BadKeyConfiguration("key location '" + location + "' cannot be read: " + e, e);
        }
    }

    private static boolean isFile(String path) {
        try {
            return Files.isRegularFile(Path.of(path));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static String resource(String name, ClassLoader classLoader, String location)
            throws IOException, BadKeyConfiguration {
        var path = name.startsWith("/") ? name.substring(1) : name;
        for (var loader : new ClassLoader[] {classLoader, VerificationKeys.class.getClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in != null) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new BadKeyConfiguration("key location '" + location + "' is neither a file nor a class-path "
                + "resource");
    }

    /** Every key in the text, whatever its type. */
    private static List<JWK> jwks(String text, String source) throws BadKeyConfiguration {
        try {
            if (text.startsWith("{")) {
                return json(text);
            }
            if (text.contains("-----BEGIN ")) {
                return pem(text, source);
            }
            var decoded = new Base64URL(text.replaceAll("\\s", "")).decodeToString().strip();
            if (decoded.startsWith("{")) {
                return json(decoded);
            }
            return List.of(jwk(publicKey(Base64.getMimeDecoder().decode(text))));
        } catch (ParseException | GeneralSecurityException | JOSEException | RuntimeException e) {
            throw new BadKeyConfiguration(source + " is not a public key in PEM, JWK or JWKS format: "
                    + e.getMessage(), e);
        }
    }

    private static List<JWK> json(String text) throws ParseException {
        var object = JSONObjectUtils.parse(text);
        return object.containsKey("keys") ? JWKSet.parse(object).getKeys() : List.of(JWK.parse(object));
    }

    private static List<JWK> pem(String text, String source)
            throws GeneralSecurityException, JOSEException, BadKeyConfiguration {
        var keys = new ArrayList<JWK>();
        Matcher block = PEM.matcher(text);
        while (block.find()) {
            var type = block.group(1);
            var der = Base64.getMimeDecoder().decode(block.group(2).replaceAll("\\s", ""));
            if (!"PUBLIC KEY".equals(type)) {
                throw new BadKeyConfiguration(source + " holds a PEM '" + type + "' block; give the public key as "
                        + "a 'PUBLIC KEY' block");
            }
            keys.add(jwk(publicKey(der)));
        }
        if (keys.isEmpty()) {
            throw new BadKeyConfiguration(source + " holds no complete PEM block");
        }
        return keys;
    }

    /** An X.509 SubjectPublicKeyInfo (what a PEM {@code PUBLIC KEY} holds), RSA or EC. */
    private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
        var spec = new X509EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }

    private static JWK jwk(PublicKey key) throws JOSEException {
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).build();
        }
        if (key instanceof ECPublicKey ec) {
            var curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null) {
                throw new JOSEException("the EC key's curve is not one JOSE names");
            }
            return new ECKey.Builder(curve, ec).build();
        }
        throw new JOSEException("a " + key.getAlgorithm() + " key is neither RSA nor EC");
    }

    /** A verifier of {@code algorithm} made from {@code key}, or null when the key cannot or may not verify it. */
    private static JWSVerifier verifier(JWK key, JWSAlgorithm algorithm) {
        if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
            return null;
        }
        if (key.getKeyOperations() != null && !key.getKeyOperations().contains(KeyOperation.VERIFY)) {
            return null;
        }
        if (key.getAlgorithm() != null && !algorithm.equals(key.getAlgorithm())) {
            return null;
        }
        try {
            if (key instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(algorithm)) {
                return new RSASSAVerifier(rsa);
            }
            if (key instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(algorithm)
                    && Curve.forJWSAlgorithm(algorithm).contains(ec.getCurve())) {
                return new ECDSAVerifier(ec);
            }
        } catch (JOSEException e) {
            return null;
        }
        return null;
    }

    /** A key setting that yields no usable key; its message says what to fix. */
    static final class BadKeyConfiguration extends Exception {

        private static final long serialVersionUID = 1L;

        BadKeyConfiguration(String message) {
            super(message);
        }

        BadKeyConfiguration(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
