package iii.engine.dispatch;

import iii.engine.invocation.Call;
import iii.engine.invocation.Invoker;
import iii.engine.protocol.Codec;
import iii.engine.protocol.ErrorCode;
import iii.engine.protocol.Message.InvocationResult;
import iii.engine.protocol.Message.InvokeFunction;
import iii.engine.registry.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;
import java.util.logging.Logger;

/**
 * A worker calls a function. Object payloads get the caller's id as {@code _caller_worker_id}, as iii adds it; the
 * rest of the payload is passed on as it arrived. The caller gets an {@code invocationresult} only if it sent an
 * {@code invocation_id} and did not ask for {@code action: void}.
 */
@ApplicationScoped
public class InvokeFunctionHandler implements MessageHandler<InvokeFunction> {

    private static final Logger LOG = Logger.getLogger(InvokeFunctionHandler.class.getName());

    private Invoker invoker;

    protected InvokeFunctionHandler() {
    }

    @Inject
    public InvokeFunctionHandler(Invoker invoker) {
        this.invoker = invoker;
    }

    @Override
    public Class<InvokeFunction> type() {
        return InvokeFunction.class;
    }

    @Override
    public void handle(Worker from, InvokeFunction message) {
        var awaited = message.invocationId() != null && !"void".equals(message.action());
        var id = message.invocationId() != null ? message.invocationId() : UUID.randomUUID();
        if ("enqueue".equals(message.action())) {
            reply(from, awaited, id, message, ErrorCode.FUNCTION_NOT_FOUND,
                    "Queues are not available in this engine: cannot enqueue " + message.functionId());
            return;
        }
        var data = message.data().isObject()
                ? message.data().withMember("_caller_worker_id", from.id().toString())
                : message.data();
        var call = new Call(id, message.functionId(), data, message.traceparent(), message.baggage(),
                message.metadata(), from, awaited);
        invoker.invoke(call).thenAccept(outcome -> {
            if (awaited) {
                from.send(Codec.encode(new InvocationResult(id, message.functionId(), outcome.result(),
                        outcome.error(), outcome.traceparent() != null ? outcome.traceparent() : message.traceparent(),
                        outcome.baggage() != null ? outcome.baggage() : message.baggage())));
            } else if (outcome.isError()) {
                LOG.fine(() -> "Fire-and-forget call of " + message.functionId() + " by worker " + from
                        + " failed: " + outcome.error());
            }
        });
    }

    private static void reply(Worker from, boolean awaited, UUID id, InvokeFunction message, ErrorCode code,
                              String why) {
        if (awaited) {
            from.send(Codec.encode(new InvocationResult(id, message.functionId(), null, code.body(why),
                    message.traceparent(), message.baggage())));
        }
    }
}
