package iii.engine.dispatch;

import iii.engine.external.ExternalFunctions;
import iii.engine.protocol.Codec;
import iii.engine.protocol.ErrorCode;
import iii.engine.protocol.Message;
import iii.engine.protocol.Message.RegisterFunction;
import iii.engine.registry.FunctionEntry;
import iii.engine.registry.FunctionRegistry;
import iii.engine.registry.RemoteFunction;
import iii.engine.registry.Worker;
import iii.engine.telemetry.EngineSpan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/**
 * A worker registers a function it answers, or an external HTTP function (with {@code invocation}) that the engine
 * answers by calling its URL. The newest registration of an id owns it: a previous owner simply loses
 * it (as in iii), and keeps nothing of it to clean up later.
 */
@ApplicationScoped
public class RegisterFunctionHandler implements MessageHandler<RegisterFunction> {

    private static final String SOURCE = RegisterFunctionHandler.class.getName();
    private static final Logger LOG = Logger.getLogger(SOURCE);

    private FunctionRegistry functions;
    private ExternalFunctions externals;

    protected RegisterFunctionHandler() {
    }

    @Inject
    public RegisterFunctionHandler(FunctionRegistry functions, ExternalFunctions externals) {
        this.functions = functions;
        this.externals = externals;
    }

    @Override
    public Class<RegisterFunction> type() {
        return RegisterFunction.class;
    }

    @Override
    @EngineSpan
    public void handle(Worker from, RegisterFunction message) {
        var existing = functions.get(message.id());
        if (existing != null && existing.builtin() != null) {
            from.send(Codec.encode(new Message.Error(ErrorCode.INVALID_MESSAGE.body(
                    "registerfunction " + message.id() + ": the engine provides this function"))));
            return;
        }
        RemoteFunction remote = null;
        if (message.invocation() != null && !message.invocation().isNull()) {
            // an external HTTP function: refused ones are logged and told to the worker, and nothing changes
            remote = externals.define(from, message.id(), message.invocation());
            if (remote == null) {
                return;
            }
        }
        from.functionIds().add(message.id());
        var replaced = functions.register(remote == null
                ? FunctionEntry.ofWorker(message.id(), message.description(), message.requestFormat(),
                        message.responseFormat(), message.metadata(), from)
                : FunctionEntry.ofRemote(message.id(), message.description(), message.requestFormat(),
                        message.responseFormat(), message.metadata(), from, remote));
        if (replaced != null && replaced.owner() != from) {
            replaced.owner().functionIds().remove(message.id());
            LOG.warning(() -> "Function " + message.id() + " moved from worker " + replaced.owner() + " to " + from);
        }
        // named source: a burst of registrations is logged without looking up the caller on the stack for each
        LOG.logp(from.registrationLogLevel(), SOURCE, "handle",
                () -> "Function " + message.id() + " registered by worker " + from);
        if (from.isRetired()) {
            functions.removeIfOwner(message.id(), from);
        }
    }
}
