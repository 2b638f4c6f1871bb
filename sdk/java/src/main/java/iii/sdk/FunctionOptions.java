package iii.sdk;

import jakarta.json.JsonObject;
import java.lang.reflect.Type;

/**
 * What a function's registration says beside its id: a description, its request and response formats (given as JSON
 * Schema, or derived from {@code responseType} and the request's class), and metadata for the engine's listings.
 */
public record FunctionOptions(String description, JsonObject requestFormat, JsonObject responseFormat,
        Type responseType, JsonObject metadata) {

    private static final FunctionOptions NONE = new FunctionOptions(null, null, null, null, null);

    public static FunctionOptions none() {
        return NONE;
    }

    public static FunctionOptions described(String description) {
        return NONE.withDescription(description);
    }

    public FunctionOptions withDescription(String text) {
        return new FunctionOptions(text, requestFormat, responseFormat, responseType, metadata);
    }

    /** The request format as given, instead of the schema of the request's class. */
    public FunctionOptions withRequestFormat(JsonObject schema) {
        return new FunctionOptions(description, schema, responseFormat, responseType, metadata);
    }

    /** The response format as given. */
    public FunctionOptions withResponseFormat(JsonObject schema) {
        return new FunctionOptions(description, requestFormat, schema, responseType, metadata);
    }

    /** The response format derived from {@code type} (unless one is given). */
    public FunctionOptions withResponseType(Type type) {
        return new FunctionOptions(description, requestFormat, responseFormat, type, metadata);
    }

    public FunctionOptions withMetadata(JsonObject data) {
        return new FunctionOptions(description, requestFormat, responseFormat, responseType, data);
    }
}
