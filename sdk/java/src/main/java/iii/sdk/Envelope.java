package iii.sdk;

import jakarta.json.JsonException;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import java.util.HashMap;
import java.util.Map;

/**
 * The top-level members of a frame from the engine, read in one streaming pass: each member's value as JSON text,
 * cut out of the frame as it came ({@code data} and {@code result} go to JSON-B as that text, without a JSON-P tree
 * between), and string members also as their value.
 */
final class Envelope {

    private final Map<String, String> strings = new HashMap<>(8);
    private final Map<String, String> json = new HashMap<>(8);

    private Envelope() {
    }

    /** Reads a frame; fails with a {@link JsonException} on text that is not a JSON object. */
    static Envelope read(String text) {
        var envelope = new Envelope();
        try (JsonParser p = JsonMapper.parser(text)) {
            if (p.next() != JsonParser.Event.START_OBJECT) {
                throw new JsonException("a frame is a JSON object");
            }
            // a JSON-P implementation that does not tell where it is in the text gets each value as a tree instead
            boolean located = p.getLocation().getStreamOffset() >= 0;
            for (JsonParser.Event e; (e = p.next()) != JsonParser.Event.END_OBJECT;) {
                if (e != JsonParser.Event.KEY_NAME) {
                    throw new JsonException("unexpected " + e + " in a frame");
                }
                String name = p.getString();
                long from = p.getLocation().getStreamOffset();
                JsonParser.Event start = p.next();
                if (!located) {
                    JsonValue value = p.getValue();
                    if (value instanceof JsonString s) {
                        envelope.strings.put(name, s.getString());
                    }
                    envelope.json.put(name, value.toString());
                    continue;
                }
                switch (start) {
                    case VALUE_STRING -> envelope.strings.put(name, p.getString());
                    case START_OBJECT -> p.skipObject();
                    case START_ARRAY -> p.skipArray();
                    default -> {
                        // a number, true, false or null: its text ends where the parser is
                    }
                }
                envelope.json.put(name, slice(text, (int) from, (int) p.getLocation().getStreamOffset()));
            }
        }
        return envelope;
    }

    /**
     * The value between the end of its member's name and its own end: what follows the {@code :} and any white
     * space.
     */
    private static String slice(String text, int from, int to) {
        while (from < to) {
            char c = text.charAt(from);
            if (c != ':' && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            from++;
        }
        return text.substring(from, to);
    }

    /** A string member's value; null when absent or not a string. */
    String string(String name) {
        return strings.get(name);
    }

    String string(String name, String otherwise) {
        return strings.getOrDefault(name, otherwise);
    }

    /** A member's value as JSON text; null when absent. */
    String json(String name) {
        return json.get(name);
    }
}
