package iii.engine.access;

import jakarta.enterprise.context.ApplicationScoped;

/** Placeholder until bearer tokens are verified: no key, so no token is required. */
@ApplicationScoped
public class TokenVerifier {

    public boolean enabled() {
        return false;
    }

    public VerifiedToken verify(String compactJwt) throws TokenRejected {
        throw new TokenRejected("no key");
    }

    public static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        var token = authorization.substring(7).strip();
        return token.isEmpty() ? null : token;
    }
}
