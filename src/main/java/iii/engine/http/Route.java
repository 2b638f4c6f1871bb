package iii.engine.http;

import iii.engine.protocol.RawJson;
import iii.engine.registry.Worker;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One HTTP route: an {@code http} trigger instance's method and path pattern, bound to a function.
 *
 * @param path      the pattern without its leading {@code /}, e.g. {@code users/:id} (what the function sees as
 *                  {@code path})
 * @param segments  {@code path} split on {@code /}; a segment starting with {@code :} captures one request segment
 * @param middlewareFunctionIds the route's middleware ({@code middleware_function_ids}), called in this order after
 *                  the condition and before {@code functionId}
 * @param owner     the worker that registered the trigger; null for the engine's own
 * @param stamp     the trigger's registration stamp: of two registrations of one route, the later one has it
 */
record Route(String method, String path, List<String> segments, String triggerId, String functionId,
             String conditionFunctionId, List<String> middlewareFunctionIds, RawJson metadata, Worker owner,
             long stamp) {

    /**
     * Whether this route's registration is later than {@code other}'s ({@link iii.engine.registry.Trigger#stamp}; of
     * equal stamps, which only two engines give, the greater trigger id), so that every engine keeps the same one.
     */
    boolean laterThan(Route other) {
        return stamp != other.stamp ? stamp > other.stamp : triggerId.compareTo(other.triggerId) > 0;
    }

    /** Same method and path: registering it again replaces the route. */
    String key() {
        return key(method, path);
    }

    static String key(String method, String path) {
        return method + ":" + path;
    }

    /** Routes a request of {@code method} with this many segments could match. */
    String shape() {
        return shape(method, segments.size());
    }

    static String shape(String method, int segments) {
        return method + "/" + segments;
    }

    /** Same method and shape, whatever the parameter names: two different keys of one shape conflict (§6.9). */
    String signature() {
        var b = new StringBuilder(method).append(':');
        for (int i = 0; i < segments.size(); i++) {
            b.append(i == 0 ? "" : "/").append(isParameter(segments.get(i)) ? ":" : segments.get(i));
        }
        return b.toString();
    }

    /**
     * The captured parameters if the request's segments match, else null. Segments are matched as they came (still
     * percent-encoded, so {@code %2F} stays inside its segment); each captured value is then decoded once
     * ({@link #decode}).
     *
     * @throws IllegalArgumentException if a captured value's escapes are not UTF-8
     */
    Map<String, String> match(String[] request) {
        if (request.length != segments.size()) {
            return null;
        }
        Map<String, String> parameters = null;
        for (int i = 0; i < request.length; i++) {
            var segment = segments.get(i);
            if (isParameter(segment)) {
                if (request[i].isEmpty()) {
                    return null;
                }
                if (parameters == null) {
                    parameters = new HashMap<>();
                }
                parameters.put(segment.substring(1), decode(request[i]));
            } else if (!segment.equals(request[i])) {
                return null;
            }
        }
        return parameters == null ? Map.of() : parameters;
    }

    /** Whether this route is more specific than {@code other}: the first segment where they differ is literal here. */
    boolean moreSpecificThan(Route other) {
        for (int i = 0; i < segments.size() && i < other.segments.size(); i++) {
            boolean mine = isParameter(segments.get(i));
            boolean theirs = isParameter(other.segments.get(i));
            if (mine != theirs) {
                return theirs;
            }
        }
        return false;
    }

    /**
     * A path segment percent-decoded once (RFC 3986 §2.1), as UTF-8, the way axum's {@code Path} extractor decodes the
     * parameters of a route: {@code +} stays {@code +} (it means a space only in a query), and a {@code %} not followed
     * by two hex digits stays as it is.
     *
     * @throws IllegalArgumentException if the decoded bytes are not UTF-8
     */
    static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        var bytes = new ByteArrayOutputStream(segment.length());
        int i = 0;
        while (i < segment.length()) {
            int escape = segment.indexOf('%', i);
            int end = escape < 0 ? segment.length() : escape;
            bytes.writeBytes(segment.substring(i, end).getBytes(StandardCharsets.UTF_8));
            if (escape < 0) {
                break;
            }
            if (escape + 2 < segment.length() && HexFormat.isHexDigit(segment.charAt(escape + 1))
                    && HexFormat.isHexDigit(segment.charAt(escape + 2))) {
                bytes.write(HexFormat.fromHexDigits(segment, escape + 1, escape + 3));
                i = escape + 3;
            } else {
                bytes.write('%');
                i = escape + 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("path segment " + segment + " is not UTF-8 once decoded");
        }
    }

    static boolean isParameter(String segment) {
        return segment.startsWith(":");
    }

    @Override
    public String toString() {
        return method + " /" + path + " -> " + functionId + " (trigger " + triggerId + ")";
    }
}
