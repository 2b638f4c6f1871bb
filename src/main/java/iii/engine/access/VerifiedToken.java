package iii.engine.access;

import java.util.Set;

/**
 * What a bearer token says once its signature, lifetime, issuer and audience have been checked.
 *
 * @param subject    the {@code sub} claim, null when the token has none
 * @param groups     the {@code groups} claim (MicroProfile JWT's name for the roles a token grants), empty when absent
 * @param claimsJson the whole verified claim set as the text of one JSON object
 */
public record VerifiedToken(String subject, Set<String> groups, String claimsJson) {

    public VerifiedToken {
        groups = Set.copyOf(groups);
    }
}
