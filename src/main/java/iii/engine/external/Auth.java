package iii.engine.external;

import iii.engine.external.ExternalError.Refused;
import iii.engine.http.HeaderSyntax;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the engine authenticates to an external function (PROTOCOL.md §8.3). The registration names environment
 * variables, never secrets; they are resolved once, at registration, from the engine's environment.
 */
sealed interface Auth {

    /** The auth headers of one request whose body and {@code x-iii-Timestamp} are given. */
    Map<String, String> headers(byte[] body, long unixSeconds);

    /** No auth. */
    Auth NONE = new None();

    record None() implements Auth {
        @Override
        public Map<String, String> headers(byte[] body, long unixSeconds) {
            return Map.of();
        }
    }

    /** {@code x-iii-Signature: sha256=<hex HMAC-SHA256(secret, "<unix seconds>:<base64(body)>")>}. */
    record Hmac(byte[] secret) implements Auth {
        @Override
        public Map<String, String> headers(byte[] body, long unixSeconds) {
            return Map.of("x-iii-Signature", "sha256=" + sign(secret, body, unixSeconds));
        }
    }

    /** {@code Authorization: Bearer <token>}. */
    record Bearer(String token) implements Auth {
        @Override
        public Map<String, String> headers(byte[] body, long unixSeconds) {
            return Map.of("Authorization", "Bearer " + token);
        }
    }

    /** {@code <header>: <value>}. */
    record ApiKey(String header, String value) implements Auth {
        @Override
        public Map<String, String> headers(byte[] body, long unixSeconds) {
            return Map.of(header, value);
        }
    }

    /** The hex HMAC-SHA256 of {@code "<unix seconds>:<base64(body)>"}, as iii's {@code signature.rs} computes it. */
    static String sign(byte[] secret, byte[] body, long unixSeconds) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            var message = unixSeconds + ":" + Base64.getEncoder().encodeToString(body);
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * Reads {@code invocation.auth} and resolves the variables it names through {@code environment}.
     *
     * @param auth absent, null, or {@code {type: hmac|bearer|api_key, …}}
     */
    static Auth resolve(JsonValue auth, Function<String, Optional<String>> environment) throws Refused {
        if (auth == null || auth.getValueType() == JsonValue.ValueType.NULL) {
            return NONE;
        }
        if (!(auth instanceof JsonObject object)) {
            throw new Refused(ExternalError.INVALID_INVOCATION, "invocation.auth must be an object");
        }
        var type = string(object, "type");
        if (type == null) {
            throw new Refused(ExternalError.INVALID_INVOCATION, "invocation.auth.type is required");
        }
        return switch (type) {
            case "hmac" -> new Hmac(secret(object, "secret_key", environment, ExternalError.SECRET_NOT_FOUND)
                    .getBytes(StandardCharsets.UTF_8));
            case "bearer" -> new Bearer(secret(object, "token_key", environment, ExternalError.TOKEN_NOT_FOUND));
            case "api_key" -> {
                var header = string(object, "header");
                if (header == null || !HeaderSyntax.isName(header)) {
                    throw new Refused(ExternalError.INVALID_INVOCATION,
                            "invocation.auth.header must be a header name");
                }
                yield new ApiKey(header, secret(object, "value_key", environment, ExternalError.API_KEY_NOT_FOUND));
            }
            default -> throw new Refused(ExternalError.INVALID_INVOCATION, "unknown invocation.auth.type " + type);
        };
    }

    private static String secret(JsonObject auth, String key, Function<String, Optional<String>> environment,
                                 ExternalError missing) throws Refused {
        var variable = string(auth, key);
        if (variable == null || variable.isEmpty()) {
            throw new Refused(missing, "invocation.auth." + key + " (an environment variable name) is required");
        }
        var value = environment.apply(variable);
        if (value.isEmpty() || value.get().isEmpty()) {
            throw new Refused(missing, "environment variable " + variable + " is not set");
        }
        return value.get();
    }

    private static String string(JsonObject object, String key) {
        return object.get(key) instanceof JsonString s ? s.getString() : null;
    }
}
