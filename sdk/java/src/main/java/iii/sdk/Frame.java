package iii.sdk;

/**
 * Writes a JSON object as text, field by field: {@code Frame.of("registerfunction").str("id", id).raw("metadata",
 * json)}. Null values are left out.
 */
final class Frame {

    private final StringBuilder b = new StringBuilder(128).append('{');

    private Frame() {
    }

    /** A frame of the given {@code type}. */
    static Frame of(String type) {
        return new Frame().str("type", type);
    }

    /** An object without a {@code type}. */
    static Frame object() {
        return new Frame();
    }

    private StringBuilder name(String name) {
        if (b.length() > 1) {
            b.append(',');
        }
        return JsonMapper.quote(b, name).append(':');
    }

    Frame str(String name, String value) {
        if (value != null) {
            JsonMapper.quote(name(name), value);
        }
        return this;
    }

    /** A field whose value is {@code value} as JSON ({@link JsonMapper#write}), written into the frame's text. */
    Frame json(String name, Object value) {
        JsonMapper.write(name(name), value);
        return this;
    }

    /** A field of JSON text. */
    Frame raw(String name, String json) {
        if (json != null) {
            name(name).append(json);
        }
        return this;
    }

    @Override
    public String toString() {
        int end = b.length();
        String text = b.append('}').toString();
        b.setLength(end);
        return text;
    }
}
