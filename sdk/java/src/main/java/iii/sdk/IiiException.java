package iii.sdk;

/**
 * A call that failed: the engine's or the callee's error, with its wire code ({@code error.code}) and message. The
 * failures a caller usually treats apart have their own subclasses: {@link FunctionNotFoundException},
 * {@link IiiTimeoutException}, {@link InvocationStoppedException}, {@link ForbiddenException}.
 */
public class IiiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final String functionId;

    public IiiException(String code, String message) {
        this(code, message, null);
    }

    public IiiException(String code, String message, String functionId) {
        super(code + ": " + message);
        this.code = code;
        this.functionId = functionId;
    }

    /** The error code as the engine or the callee wrote it, e.g. {@code invocation_failed}. */
    public String code() {
        return code;
    }

    /** The function that was called, or null when the failure is not a call's. */
    public String functionId() {
        return functionId;
    }

    /** The message without the code. */
    public String detail() {
        return getMessage().substring(code.length() + 2);
    }

    /** The exception for an error body {@code {code, message}} of a call to {@code functionId}. */
    static IiiException of(String code, String message, String functionId) {
        return switch (code) {
            case "function_not_found" -> new FunctionNotFoundException(message, functionId);
            case "timeout", "TIMEOUT" -> new IiiTimeoutException(message, functionId);
            case "invocation_stopped" -> new InvocationStoppedException(message, functionId);
            case "FORBIDDEN" -> new ForbiddenException(message, functionId);
            default -> new IiiException(code, message, functionId);
        };
    }
}
