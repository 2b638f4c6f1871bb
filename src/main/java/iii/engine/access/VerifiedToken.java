package iii.engine.access;

import java.util.Set;

/** A bearer token whose signature, expiry and issuer were verified. */
public record VerifiedToken(String subject, Set<String> groups, String claimsJson) {
}
