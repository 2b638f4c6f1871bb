package iii.sdk;

/** The engine's access rules (its RBAC-gated listener) do not let this worker call the function. Code {@code FORBIDDEN}. */
public class ForbiddenException extends IiiException {

    private static final long serialVersionUID = 1L;

    public ForbiddenException(String message, String functionId) {
        super("FORBIDDEN", message, functionId);
    }
}
