package iii.engine.external;

import iii.engine.protocol.RawJson;
import jakarta.json.spi.JsonProvider;

/**
 * The error codes of external functions, iii's wire strings (PROTOCOL.md §3.8, §8.2, §8.4). Errors that the remote
 * endpoint reports in its own JSON body pass through with their own codes.
 */
enum ExternalError {

    URL_VALIDATION_FAILED("url_validation_failed"),
    SECRET_NOT_FOUND("secret_not_found"),
    TOKEN_NOT_FOUND("token_not_found"),
    API_KEY_NOT_FOUND("api_key_not_found"),
    INVALID_INVOCATION("invalid_invocation"),
    HTTP_REQUEST_FAILED("http_request_failed"),
    HTTP_RESPONSE_FAILED("http_response_failed"),
    INVALID_RESPONSE("invalid_response"),
    HTTP_ERROR("http_error");

    private static final JsonProvider JSON = JsonProvider.provider();

    private final String wire;

    ExternalError(String wire) {
        this.wire = wire;
    }

    String wire() {
        return wire;
    }

    RawJson body(String message) {
        return RawJson.of(JSON.createObjectBuilder().add("code", wire).add("message", message).build());
    }

    /** A refusal at registration or before a call, with its code. */
    static final class Refused extends Exception {

        private final ExternalError code;

        Refused(ExternalError code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        ExternalError code() {
            return code;
        }
    }
}
