package iii.engine.dispatch;

import iii.engine.protocol.Codec;
import iii.engine.protocol.ErrorCode;
import iii.engine.protocol.Message;
import iii.engine.protocol.Message.RegisterFunction;
import iii.engine.registry.FunctionEntry;
import iii.engine.registry.FunctionRegistry;
import iii.engine.registry.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/**
 * A worker registers a function it answers. The newest registration of an id owns it: a previous owner simply loses
 * it (as in iii), and keeps nothing of it to clean up later.
 */
@ApplicationScoped
public class RegisterFunctionHandler implements MessageHandler<RegisterFunction> {

    private static final Logger LOG = Logger.getLogger(RegisterFunctionHandler.class.getName());

    private FunctionRegistry functions;

    protected RegisterFunctionHandler() {
    }

    @Inject
    public RegisterFunctionHandler(FunctionRegistry functions) {
        this.functions = functions;
    }

    @Override
    public Class<RegisterFunction> type() {
        return RegisterFunction.class;
    }

    @Override
    public void handle(Worker from, RegisterFunction message) {
        if (message.invocation() != null && !message.invocation().isNull()) {
            LOG.warning(() -> "Worker " + from + " registered HTTP-invoked function " + message.id()
                    + ", which this engine does not call yet");
            from.send(Codec.encode(new Message.Error(ErrorCode.INVALID_MESSAGE.body(
                    "registerfunction " + message.id() + ": HTTP-invoked functions are not supported"))));
            return;
        }
        var existing = functions.get(message.id());
        if (existing != null && existing.builtin() != null) {
            from.send(Codec.encode(new Message.Error(ErrorCode.INVALID_MESSAGE.body(
                    "registerfunction " + message.id() + ": the engine provides this function"))));
            return;
        }
        from.functionIds().add(message.id());
        var replaced = functions.register(FunctionEntry.ofWorker(message.id(), message.description(),
                message.requestFormat(), message.responseFormat(), message.metadata(), from));
        if (replaced != null && replaced.owner() != from) {
            replaced.owner().functionIds().remove(message.id());
            LOG.warning(() -> "Function " + message.id() + " moved from worker " + replaced.owner() + " to " + from);
        }
        LOG.info(() -> "Function " + message.id() + " registered by worker " + from);
        if (from.isRetired()) {
            functions.removeIfOwner(message.id(), from);
        }
    }
}
