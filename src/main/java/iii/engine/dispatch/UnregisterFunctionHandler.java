package iii.engine.dispatch;

import iii.engine.registry.FunctionRegistry;
import iii.engine.protocol.Message.UnregisterFunction;
import iii.engine.registry.Worker;
import iii.engine.telemetry.EngineSpan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A worker removes one of its functions; a function another worker registered since is left alone. */
@ApplicationScoped
public class UnregisterFunctionHandler implements MessageHandler<UnregisterFunction> {

    private FunctionRegistry functions;

    protected UnregisterFunctionHandler() {
    }

    @Inject
    public UnregisterFunctionHandler(FunctionRegistry functions) {
        this.functions = functions;
    }

    @Override
    public Class<UnregisterFunction> type() {
        return UnregisterFunction.class;
    }

    @Override
    @EngineSpan
    public void handle(Worker from, UnregisterFunction message) {
        from.functionIds().remove(message.id());
        functions.removeIfOwner(message.id(), from);
    }
}
