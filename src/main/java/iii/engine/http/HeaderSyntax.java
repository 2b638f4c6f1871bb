package iii.engine.http;

/** What may stand in an HTTP header line (RFC 7230 §3.2): of routes' responses and of external functions' requests. */
public final class HeaderSyntax {

    private HeaderSyntax() {
    }

    /** Whether {@code name} is a token: at least one character, none of them a space, control or separator. */
    public static boolean isName(String name) {
        return !name.isEmpty() && name.chars().allMatch(HeaderSyntax::isTokenChar);
    }

    /** Whether {@code value} stays on one line. */
    public static boolean isValue(String value) {
        return value.indexOf('\r') < 0 && value.indexOf('\n') < 0;
    }

    private static boolean isTokenChar(int c) {
        return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }
}
