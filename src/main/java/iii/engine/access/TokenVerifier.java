package iii.engine.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import iii.engine.config.EngineConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Verifies the bearer tokens of the access-controlled listener as MicroProfile JWT does, read from MicroProfile JWT's
 * own settings, so a platform that already issues MP-JWT tokens configures the engine the same way:
 * {@code mp.jwt.verify.publickey} or {@code mp.jwt.verify.publickey.location} (the key), {@code mp.jwt.verify.issuer},
 * {@code mp.jwt.verify.publickey.algorithm} (RS256 unless set), {@code mp.jwt.verify.audiences} and
 * {@code mp.jwt.verify.clock.skew} (seconds, 60 unless set).
 *
 * <p>Only tokens signed with the configured asymmetric algorithm pass: unsigned ({@code alg: none}), encrypted and HMAC
 * tokens are refused, and the key is never used as an HMAC secret. {@code exp} is required. The key is read once, when
 * the application starts; a key setting that yields no usable key is logged then, and every token is refused with
 * "no key" rather than let through.
 */
@ApplicationScoped
public class TokenVerifier {

    private static final Logger LOG = Logger.getLogger(TokenVerifier.class.getName());

    static final String PUBLIC_KEY = "mp.jwt.verify.publickey";
    static final String PUBLIC_KEY_LOCATION = "mp.jwt.verify.publickey.location";

    private boolean enabled;
    private VerificationKeys keys;
    private Optional<String> issuer;
    private List<String> audiences;
    private long clockSkewSeconds;
    private Clock clock;

    protected TokenVerifier() {
    }

    @Inject
    public TokenVerifier(
            @ConfigProperty(name = PUBLIC_KEY) Optional<String> publicKey,
            @ConfigProperty(name = PUBLIC_KEY_LOCATION) Optional<String> publicKeyLocation,
            @ConfigProperty(name = "mp.jwt.verify.issuer") Optional<String> issuer,
            @ConfigProperty(name = "mp.jwt.verify.publickey.algorithm", defaultValue = "RS256") String algorithm,
            @ConfigProperty(name = "mp.jwt.verify.audiences") Optional<String> audiences,
            @ConfigProperty(name = "mp.jwt.verify.clock.skew", defaultValue = "60") long clockSkewSeconds) {
        this(publicKey, publicKeyLocation, issuer, algorithm, audiences, clockSkewSeconds, Clock.systemUTC());
    }

    /** As the injected constructor, with the clock that tells the time tokens are checked against. */
    TokenVerifier(Optional<String> publicKey, Optional<String> publicKeyLocation, Optional<String> issuer,
                  String algorithm, Optional<String> audiences, long clockSkewSeconds, Clock clock) {
        var key = publicKey.filter(value -> !value.isBlank());
        var location = publicKeyLocation.filter(value -> !value.isBlank());
        this.enabled = key.isPresent() || location.isPresent();
        this.issuer = issuer.map(String::strip).filter(value -> !value.isEmpty());
        this.audiences = audiences.map(EngineConfig::commaSeparated).orElse(List.of());
        this.clockSkewSeconds = clockSkewSeconds;
        this.clock = clock;
        if (enabled) {
            this.keys = load(key, location, algorithm, clockSkewSeconds);
        }
    }

    private static VerificationKeys load(Optional<String> key, Optional<String> location, String algorithm,
                                         long clockSkewSeconds) {
        try {
            if (key.isPresent() && location.isPresent()) {
                throw new VerificationKeys.BadKeyConfiguration(PUBLIC_KEY + " and " + PUBLIC_KEY_LOCATION
                        + " are both set; set one");
            }
            if (clockSkewSeconds < 0) {
                throw new VerificationKeys.BadKeyConfiguration("mp.jwt.verify.clock.skew is negative ("
                        + clockSkewSeconds + ")");
            }
            var jws = VerificationKeys.algorithm(algorithm);
            if (key.isPresent()) {
                return VerificationKeys.parse(key.get(), jws, PUBLIC_KEY);
            }
            var text = VerificationKeys.read(location.get(), Thread.currentThread().getContextClassLoader());
            return VerificationKeys.parse(text, jws, PUBLIC_KEY_LOCATION + " '" + location.get() + "'");
        } catch (VerificationKeys.BadKeyConfiguration e) {
            LOG.severe("Bearer tokens cannot be verified, every one is refused: " + e.getMessage());
            return null;
        }
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        if (keys != null) {
            LOG.info("Bearer tokens: " + keys.algorithm().getName() + " with " + keys.size() + " key(s), issuer "
                    + issuer.map(value -> "'" + value + "'").orElse("not checked")
                    + (audiences.isEmpty() ? "" : ", audiences " + audiences) + ", clock skew " + clockSkewSeconds
                    + " s");
        }
    }

    /** Whether a key is configured ({@code mp.jwt.verify.publickey} or {@code mp.jwt.verify.publickey.location}). */
    public boolean enabled() {
        return enabled;
    }

    /**
     * The claims of {@code compactJwt} once its signature, {@code exp}, {@code nbf}, {@code iat}, {@code iss} and
     * {@code aud} have been checked; the signature is checked first, so nothing of an unverified token is read.
     *
     * @throws TokenRejected when any check fails, with a short reason
     */
    public VerifiedToken verify(String compactJwt) throws TokenRejected {
        if (keys == null) {
            throw new TokenRejected("no key");
        }
        if (compactJwt == null || compactJwt.isBlank()) {
            throw new TokenRejected("missing");
        }
        var jwt = signed(compactJwt.strip());
        var claims = claims(jwt);
        checkTimes(claims);
        if (issuer.isPresent() && !issuer.get().equals(claims.getIssuer())) {
            throw new TokenRejected("wrong issuer");
        }
        if (!audiences.isEmpty() && claims.getAudience().stream().noneMatch(audiences::contains)) {
            throw new TokenRejected("audience");
        }
        return new VerifiedToken(claims.getSubject(), groups(claims),
                JSONObjectUtils.toJSONString(claims.toJSONObject()));
    }

    /** The token as a JWS whose signature one of the keys verifies. */
    private SignedJWT signed(String compact) throws TokenRejected {
        JWT parsed;
        try {
            parsed = JWTParser.parse(compact);
        } catch (ParseException | RuntimeException e) {
            throw new TokenRejected("malformed");
        }
        if (!(parsed instanceof SignedJWT jwt) || !keys.algorithm().equals(jwt.getHeader().getAlgorithm())) {
            throw new TokenRejected("algorithm not allowed");
        }
        var candidates = keys.candidates(jwt.getHeader().getKeyID());
        if (candidates.isEmpty()) {
            throw new TokenRejected("no key matches");
        }
        for (var candidate : candidates) {
            try {
                if (jwt.verify(candidate.verifier())) {
                    return jwt;
                }
            } catch (JOSEException | RuntimeException e) {
                // a key that cannot check this signature is one that did not verify it
            }
        }
        throw new TokenRejected("bad signature");
    }

    private static JWTClaimsSet claims(SignedJWT jwt) throws TokenRejected {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw new TokenRejected("malformed");
        }
    }

    private void checkTimes(JWTClaimsSet claims) throws TokenRejected {
        Instant now = clock.instant();
        Date expires = claims.getExpirationTime();
        if (expires == null) {
            throw new TokenRejected("no expiry");
        }
        if (!now.isBefore(expires.toInstant().plusSeconds(clockSkewSeconds))) {
            throw new TokenRejected("expired");
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && now.isBefore(notBefore.toInstant().minusSeconds(clockSkewSeconds))) {
            throw new TokenRejected("not yet valid");
        }
        Date issued = claims.getIssueTime();
        if (issued != null && now.isBefore(issued.toInstant().minusSeconds(clockSkewSeconds))) {
            throw new TokenRejected("issued in the future");
        }
    }

    /** The {@code groups} claim: an array of strings (a lone string is taken as one group). */
    private static Set<String> groups(JWTClaimsSet claims) throws TokenRejected {
        var groups = claims.getClaim("groups");
        if (groups == null) {
            return Set.of();
        }
        if (groups instanceof String group) {
            return Set.of(group);
        }
        if (groups instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return Set.copyOf(list.stream().map(String.class::cast).toList());
        }
        throw new TokenRejected("malformed");
    }

    /**
     * The token of an {@code Authorization} header value: {@code "Bearer xyz"} gives {@code "xyz"} (the scheme in any
     * case); anything else, null.
     */
    public static String bearer(String authorizationHeader) {
        if (authorizationHeader == null) {
            return null;
        }
        var value = authorizationHeader.strip();
        var scheme = "Bearer";
        if (value.length() <= scheme.length() || !value.regionMatches(true, 0, scheme, 0, scheme.length())
                || !Character.isWhitespace(value.charAt(scheme.length()))) {
            return null;
        }
        var token = value.substring(scheme.length()).strip();
        return token.isEmpty() || token.chars().anyMatch(Character::isWhitespace) ? null : token;
    }
}
