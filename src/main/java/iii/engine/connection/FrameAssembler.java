package iii.engine.connection;

/**
 * Joins the parts of one text message. A message that arrives whole (the usual case) is passed on without a copy.
 */
final class FrameAssembler {

    private StringBuilder parts;

    /** Adds a part; returns the whole message after its last part, else null. */
    String append(String part, boolean last) {
        if (parts == null) {
            if (last) {
                return part;
            }
            parts = new StringBuilder(part.length() * 2);
        }
        parts.append(part);
        if (!last) {
            return null;
        }
        var message = parts.toString();
        parts = null;
        return message;
    }
}
