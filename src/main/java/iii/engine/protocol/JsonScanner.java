package iii.engine.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * A one-pass validating JSON scanner (RFC 8259) over a frame's text. It builds no tree: it only finds where each
 * top-level member's value starts and ends, so payloads stay {@link RawJson} text and are written out again verbatim.
 * Every frame is checked here once, completely, and everything downstream trusts that check.
 *
 * <p>One deliberate difference from RFC 8259: a string may not hold an unpaired UTF-16 surrogate, escaped or raw. Such
 * a string has no UTF-8 form, so it could not reach another worker unchanged.
 */
public final class JsonScanner {

    /** Deeper nesting is refused, so a hostile frame cannot exhaust the reading thread's stack. */
    static final int MAX_DEPTH = 512;

    private final String s;
    private int pos;
    /** Whether the string scanned last held an escape, i.e. whether its text differs from its value. */
    private boolean escaped;

    private JsonScanner(String s) {
        this.s = s;
    }

    /** Receives each top-level member; returns false to stop the scan early. */
    private interface MemberSink {
        boolean member(String name, int valueStart, int valueEnd);
    }

    /**
     * The top-level members of a frame that must be exactly one JSON object, optionally surrounded by whitespace.
     * Each value is its own text (a string keeps its quotes). Of duplicate names the last wins, as in JSON parsers.
     *
     * @return a fresh mutable map, the caller's to keep
     * @throws FrameException if the frame is empty, is not an object, is not valid JSON or nests deeper than 512
     */
    public static Map<String, RawJson> members(String frame) {
        Map<String, RawJson> members = new HashMap<>();
        var scanner = new JsonScanner(frame);
        scanner.object((name, start, end) -> {
            members.put(name, RawJson.trusted(frame.substring(start, end)));
            return true;
        });
        scanner.whitespace();
        if (scanner.pos < frame.length()) {
            throw scanner.error("unexpected data after the object");
        }
        return members;
    }

    /**
     * The values of the named top-level members, first occurrence, without requiring the whole frame to be valid:
     * the scan stops as soon as all are found or at the first error, so a truncated frame still yields the members
     * before the damage. An entry is null when not found.
     */
    static RawJson[] find(String frame, String... names) {
        var found = new RawJson[names.length];
        try {
            new JsonScanner(frame).object((name, start, end) -> {
                boolean missing = false;
                for (int i = 0; i < names.length; i++) {
                    if (found[i] == null && names[i].equals(name)) {
                        found[i] = RawJson.trusted(frame.substring(start, end));
                    }
                    missing |= found[i] == null;
                }
                return missing;
            });
        } catch (FrameException e) {
            // what was found before the damage is all there is
        }
        return found;
    }

    /**
     * The Java string a JSON string token stands for, escapes resolved.
     *
     * @throws IllegalArgumentException if the value is not a JSON string
     * @throws FrameException           if it is not valid JSON after all (it is checked again, being cheap)
     */
    public static String stringValue(RawJson json) {
        String text = json.text();
        if (!text.startsWith("\"")) {
            throw new IllegalArgumentException("not a JSON string: " + text);
        }
        var scanner = new JsonScanner(text);
        scanner.string();
        if (scanner.pos != text.length()) {
            throw new IllegalArgumentException("not a single JSON string: " + text);
        }
        return scanner.text(0, text.length());
    }

    /** Scans the object the frame must consist of, handing each member's decoded name and value bounds to the sink. */
    private void object(MemberSink sink) {
        whitespace();
        if (pos == s.length()) {
            throw new FrameException("frame is empty");
        }
        if (s.charAt(pos) != '{') {
            throw new FrameException("frame is not a JSON object");
        }
        pos++;
        whitespace();
        if (peek() == '}') {
            pos++;
            return;
        }
        do {
            int nameStart = pos;
            memberName();
            String name = text(nameStart, pos);
            colon();
            int valueStart = pos;
            value(2);
            if (!sink.member(name, valueStart, pos)) {
                return;
            }
        } while (next('}'));
    }

    /** Skips one value of any kind; {@code depth} is the nesting level a container starting here would have. */
    private void value(int depth) {
        switch (peek()) {
            case '{' -> {
                nest(depth);
                whitespace();
                if (peek() == '}') {
                    pos++;
                    return;
                }
                do {
                    memberName();
                    colon();
                    value(depth + 1);
                } while (next('}'));
            }
            case '[' -> {
                nest(depth);
                whitespace();
                if (peek() == ']') {
                    pos++;
                    return;
                }
                do {
                    value(depth + 1);
                } while (next(']'));
            }
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number();
            default -> throw expected("a value");
        }
    }

    /** Steps into a container, unless that would nest it too deep. */
    private void nest(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
        pos++;
    }

    /** After a member or element: true if a comma announces another one, false at the closing bracket. */
    private boolean next(char close) {
        whitespace();
        int c = peek();
        if (c == ',') {
            pos++;
            whitespace();
            return true;
        }
        if (c == close) {
            pos++;
            return false;
        }
        throw expected("',' or '" + close + "'");
    }

    private void memberName() {
        if (peek() != '"') {
            throw expected("a member name");
        }
        string();
    }

    private void colon() {
        whitespace();
        if (peek() != ':') {
            throw expected("':'");
        }
        pos++;
        whitespace();
    }

    private void literal(String word) {
        if (!s.startsWith(word, pos)) {
            throw expected("'" + word + "'");
        }
        pos += word.length();
    }

    /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}; what follows is the caller's to check. */
    private void number() {
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else {
            digits();
        }
        if (peek() == '.') {
            pos++;
            digits();
        }
        int c = peek();
        if (c == 'e' || c == 'E') {
            pos++;
            c = peek();
            if (c == '+' || c == '-') {
                pos++;
            }
            digits();
        }
    }

    /** One or more ASCII digits. */
    private void digits() {
        if (!isDigit(peek())) {
            throw expected("a digit");
        }
        do {
            pos++;
        } while (isDigit(peek()));
    }

    /** Skips a string whose opening quote is at {@code pos}, checking its characters and escapes. */
    private void string() {
        escaped = false;
        int n = s.length();
        int i = pos + 1;
        while (true) {
            if (i >= n) {
                pos = i;
                throw expected("'\"' to end the string");
            }
            char c = s.charAt(i);
            if (c == '"') {
                pos = i + 1;
                return;
            } else if (c == '\\') {
                escaped = true;
                pos = i;
                i = escape();
            } else if (c < 0x20) {
                pos = i;
                throw error(String.format("control character U+%04X in a string", (int) c));
            } else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    pos = i;
                    throw error("unpaired surrogate in a string");
                }
                i += 2;
            } else {
                i++;
            }
        }
    }

    /** Checks the escape whose backslash is at {@code pos}; returns the index just after it. */
    private int escape() {
        int e = pos + 1 < s.length() ? s.charAt(pos + 1) : -1;
        switch (e) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return pos + 2;
            }
            case 'u' -> {
                char unit = hex4(pos + 2);
                if (Character.isLowSurrogate(unit)) {
                    throw error("unpaired surrogate escape");
                }
                if (!Character.isHighSurrogate(unit)) {
                    return pos + 6;
                }
                if (!s.startsWith("\\u", pos + 6) || !Character.isLowSurrogate(hex4(pos + 8))) {
                    throw error("unpaired surrogate escape");
                }
                return pos + 12;
            }
            case -1 -> {
                pos++;
                throw expected("an escape");
            }
            default -> throw error(e > 0x20 && e < 0x7f
                    ? "invalid escape '\\" + (char) e + "'"
                    : String.format("invalid escape: U+%04X after '\\'", e));
        }
    }

    /** The UTF-16 unit of the four hex digits at {@code at}. */
    private char hex4(int at) {
        int unit = 0;
        for (int i = at; i < at + 4; i++) {
            int d = i < s.length() ? hexDigit(s.charAt(i)) : -1;
            if (d < 0) {
                pos = i;
                throw expected("a hex digit");
            }
            unit = unit << 4 | d;
        }
        return (char) unit;
    }

    /** The value of the string token spanning {@code [start, end)}, which {@link #string()} just checked. */
    private String text(int start, int end) {
        if (!escaped) {
            return s.substring(start + 1, end - 1);
        }
        var b = new StringBuilder(end - start);
        for (int i = start + 1; i < end - 1; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            c = s.charAt(++i);
            switch (c) {
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    b.append(hex4(i + 1));
                    i += 4;
                }
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private void whitespace() {
        int n = s.length();
        while (pos < n) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private int peek() {
        return pos < s.length() ? s.charAt(pos) : -1;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private FrameException expected(String what) {
        return pos >= s.length()
                ? error("unexpected end of frame, expected " + what)
                : error("expected " + what);
    }

    private FrameException error(String problem) {
        return new FrameException("invalid JSON at offset " + pos + ": " + problem);
    }
}
