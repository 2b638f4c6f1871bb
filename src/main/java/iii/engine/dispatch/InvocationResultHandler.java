package iii.engine.dispatch;

import iii.engine.invocation.Invoker;

import java.util.logging.Logger;
import iii.engine.protocol.Message.InvocationResult;
import iii.engine.registry.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A worker answers a call routed to it; the answer goes back to whoever waits for it. */
@ApplicationScoped
public class InvocationResultHandler implements MessageHandler<InvocationResult> {

    private static final Logger LOG = Logger.getLogger(InvocationResultHandler.class.getName());

    private Invoker invoker;

    protected InvocationResultHandler() {
    }

    @Inject
    public InvocationResultHandler(Invoker invoker) {
        this.invoker = invoker;
    }

    @Override
    public Class<InvocationResult> type() {
        return InvocationResult.class;
    }

    @Override
    public void handle(Worker from, InvocationResult message) {
        if (!invoker.answer(from, message)) {
            LOG.fine(() -> "Answer " + message.invocationId() + " from worker " + from + " matches no pending call");
        }
    }
}
