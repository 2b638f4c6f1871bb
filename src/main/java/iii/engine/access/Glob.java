package iii.engine.access;

/**
 * iii's function-id patterns: {@code *} stands for any run of characters (none included), everything else matches
 * itself; {@code orders::*} matches every id that starts with {@code orders::}.
 */
final class Glob {

    private Glob() {
    }

    static boolean matches(String pattern, String value) {
        if (pattern.indexOf('*') < 0) {
            return pattern.equals(value);
        }
        var parts = pattern.split("\\*", -1);
        if (!value.startsWith(parts[0])) {
            return false;
        }
        int at = parts[0].length();
        var last = parts[parts.length - 1];
        int end = value.length() - last.length();
        if (end < at || !value.endsWith(last)) {
            return false;
        }
        for (int i = 1; i < parts.length - 1; i++) {
            if (parts[i].isEmpty()) {
                continue;
            }
            int found = value.indexOf(parts[i], at);
            if (found < 0 || found + parts[i].length() > end) {
                return false;
            }
            at = found + parts[i].length();
        }
        return true;
    }

    static boolean any(Iterable<String> patterns, String value) {
        for (var pattern : patterns) {
            if (matches(pattern, value)) {
                return true;
            }
        }
        return false;
    }
}
