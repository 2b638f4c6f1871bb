package iii.engine.bench;

/**
 * Just enough JSON for the benchmark's hot path: finds a top-level member of an object in a frame and returns where
 * its raw value lies, without building anything. Used the same way on the engine's replies and the echo floor's, so
 * the client's cost is the same on both sides of a ratio. Assumes well-formed input (the servers produce it); a
 * malformed frame makes a lookup fail, which the caller counts as an error.
 */
public final class MiniJson {

    private MiniJson() {
    }

    /**
     * The raw value of member {@code key} of the object that starts at or after {@code from}, as {@code start << 32 |
     * end}, or -1 when the object has no such member.
     */
    public static long member(String s, int from, String key) {
        int i = ws(s, from);
        if (i >= s.length() || s.charAt(i) != '{') {
            return -1;
        }
        i = ws(s, i + 1);
        if (i < s.length() && s.charAt(i) == '}') {
            return -1;
        }
        while (i < s.length()) {
            if (s.charAt(i) != '"') {
                return -1;
            }
            int keyEnd = skipString(s, i);
            boolean match = keyEnd - i - 2 == key.length() && s.startsWith(key, i + 1);
            i = ws(s, keyEnd);
            if (i >= s.length() || s.charAt(i) != ':') {
                return -1;
            }
            int valueStart = ws(s, i + 1);
            int valueEnd = skipValue(s, valueStart);
            if (match) {
                return ((long) valueStart << 32) | valueEnd;
            }
            i = ws(s, valueEnd);
            if (i >= s.length() || s.charAt(i) != ',') {
                return -1;
            }
            i = ws(s, i + 1);
        }
        return -1;
    }

    /** The text of member {@code key} when it is a string without escapes, else null. */
    public static String string(String s, int from, String key) {
        long at = member(s, from, key);
        if (at < 0) {
            return null;
        }
        int start = start(at);
        int end = end(at);
        if (end - start < 2 || s.charAt(start) != '"') {
            return null;
        }
        for (int i = start + 1; i < end - 1; i++) {
            if (s.charAt(i) == '\\') {
                return null;
            }
        }
        return s.substring(start + 1, end - 1);
    }

    /** Whether member {@code key}'s raw value is exactly {@code raw}. */
    static boolean memberEquals(String s, int from, String key, String raw) {
        long at = member(s, from, key);
        return at >= 0 && end(at) - start(at) == raw.length() && s.startsWith(raw, start(at));
    }

    public static int start(long at) {
        return (int) (at >>> 32);
    }

    public static int end(long at) {
        return (int) at;
    }

    /** Counts the occurrences of {@code needle} in {@code s}. */
    public static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    private static int ws(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /** The index after the string that starts with the quote at {@code i}. */
    private static int skipString(String s, int i) {
        i++;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
        return s.length();
    }

    private static int skipValue(String s, int i) {
        if (i >= s.length()) {
            return i;
        }
        char c = s.charAt(i);
        if (c == '"') {
            return skipString(s, i);
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (i < s.length()) {
                c = s.charAt(i);
                if (c == '"') {
                    i = skipString(s, i);
                    continue;
                }
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
                i++;
            }
            return i;
        }
        while (i < s.length()) {
            c = s.charAt(i);
            if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                break;
            }
            i++;
        }
        return i;
    }
}
