package iii.sdk;

/** No function of this id is registered with the engine. Code {@code function_not_found}. */
public class FunctionNotFoundException extends IiiException {

    private static final long serialVersionUID = 1L;

    public FunctionNotFoundException(String message, String functionId) {
        super("function_not_found", message, functionId);
    }
}
