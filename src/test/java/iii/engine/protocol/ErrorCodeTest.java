package iii.engine.protocol;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ErrorCodeTest {

    @Test
    void wireStringsAreIiisExactly() {
        assertEquals(List.of("function_not_found", "invocation_stopped", "timeout", "payload_too_large",
                        "invalid_message", "invocation_failed", "deserialization_error", "trigger_registration_failed",
                        "internal_error", "NOT_FOUND", "INVALID_ARGUMENTS", "FORBIDDEN"),
                Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).toList());
    }

    @Test
    void aBodyCarriesCodeAndMessage() {
        assertEquals("{\"code\":\"invocation_stopped\",\"message\":\"Invocation stopped\"}",
                ErrorCode.INVOCATION_STOPPED.body("Invocation stopped").text());
    }

    @Test
    void aBodyEscapesItsMessage() {
        var message = "bad \"frame\" at\n\\offset\u0001 é";
        var body = (JsonObject) ErrorCode.INVALID_MESSAGE.body(message).toJsonValue();
        assertEquals("invalid_message", body.getString("code"));
        assertEquals(message, body.getString("message"));
    }
}
