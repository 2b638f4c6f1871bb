package iii.engine.protocol;

import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.Objects;

/**
 * One JSON value kept as the text it arrived in. It is validated once, when its frame is decoded, and written out
 * again verbatim, so a call's payload crosses the engine without being parsed into a tree and serialized again.
 * Built-in functions that need the structure ask for {@link #toJsonValue()}.
 */
public final class RawJson {

    private static final JsonProvider JSON = JsonProvider.provider();

    public static final RawJson NULL = new RawJson("null");
    public static final RawJson EMPTY_OBJECT = new RawJson("{}");

    private final String text;

    private RawJson(String text) {
        this.text = text;
    }

    /** Wraps text that is already known to be one valid JSON value (the codec's scanner checked it). */
    public static RawJson trusted(String text) {
        return new RawJson(Objects.requireNonNull(text));
    }

    public static RawJson of(JsonValue value) {
        return value == null ? NULL : new RawJson(value.toString());
    }

    /** A JSON string value. */
    public static RawJson string(String value) {
        return new RawJson(JSON.createValue(value).toString());
    }

    public String text() {
        return text;
    }

    public boolean isNull() {
        return text.equals("null");
    }

    public boolean isObject() {
        return text.charAt(0) == '{';
    }

    public JsonValue toJsonValue() {
        try (var reader = JSON.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }

    /**
     * This object with one more string member appended. A member of the same name already present is shadowed: JSON
     * parsers keep the last of duplicate names, so the appended value is the one every reader sees.
     */
    public RawJson withMember(String name, String value) {
        if (!isObject()) {
            throw new IllegalStateException("not an object");
        }
        int end = text.lastIndexOf('}');
        var b = new StringBuilder(end + name.length() + value.length() + 8).append(text, 0, end);
        if (hasMembers(end)) {
            b.append(',');
        }
        Codec.quote(b, name);
        b.append(':');
        Codec.quote(b, value);
        return new RawJson(b.append('}').toString());
    }

    /** Whether anything but whitespace stands between the opening brace and the closing one at {@code end}. */
    private boolean hasMembers(int end) {
        for (int i = end - 1; i > 0; i--) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawJson other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
