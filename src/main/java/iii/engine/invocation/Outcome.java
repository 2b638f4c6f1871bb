package iii.engine.invocation;

import iii.engine.protocol.ErrorCode;
import iii.engine.protocol.RawJson;

/** How a call ended: a result (null for none) or an error body {@code {code, message[, stacktrace]}}. */
public record Outcome(RawJson result, RawJson error, String traceparent, String baggage) {

    public static Outcome ok(RawJson result) {
        return new Outcome(result, null, null, null);
    }

    public static Outcome failed(ErrorCode code, String message) {
        return new Outcome(null, code.body(message), null, null);
    }

    public boolean isError() {
        return error != null;
    }
}
