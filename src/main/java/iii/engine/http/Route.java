package iii.engine.http;

import iii.engine.protocol.RawJson;
import iii.engine.registry.Worker;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP route: an {@code http} trigger instance's method and path pattern, bound to a function.
 *
 * @param path      the pattern without its leading {@code /}, e.g. {@code users/:id} (what the function sees as
 *                  {@code path})
 * @param segments  {@code path} split on {@code /}; a segment starting with {@code :} captures one request segment
 * @param owner     the worker that registered the trigger; null for the engine's own
 */
record Route(String method, String path, List<String> segments, String triggerId, String functionId,
             String conditionFunctionId, RawJson metadata, Worker owner) {

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

    /** The captured parameters if the request's segments match, else null. */
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
                parameters.put(segment.substring(1), request[i]);
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

    static boolean isParameter(String segment) {
        return segment.startsWith(":");
    }

    @Override
    public String toString() {
        return method + " /" + path + " -> " + functionId + " (trigger " + triggerId + ")";
    }
}
