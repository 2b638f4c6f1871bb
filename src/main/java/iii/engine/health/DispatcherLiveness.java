package iii.engine.health;

import iii.engine.dispatch.Dispatcher;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerChannel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Live when the dispatcher answers: a JSON {@code ping} handed to it from a probe connection (never registered, never
 * listed) comes back as a {@code pong}, exactly as a worker's would.
 */
@Liveness
@ApplicationScoped
public class DispatcherLiveness implements HealthCheck {

    static final String NAME = "iii-dispatcher";
    private static final String PING = "{\"type\":\"ping\"}";

    private Dispatcher dispatcher;

    protected DispatcherLiveness() {
    }

    @Inject
    public DispatcherLiveness(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public HealthCheckResponse call() {
        var answer = new AtomicReference<String>();
        var probe = new Worker(new WorkerChannel() {
            @Override
            public void send(String frame) {
                answer.set(frame);
            }

            @Override
            public void close(String reason) {
            }

            /** Never pinged: the probe is not registered, so no heartbeat reaches it. */
            public void ping() {
            }
        }, null);
        try {
            dispatcher.onText(probe, PING);
        } catch (RuntimeException e) {
            return HealthCheckResponse.named(NAME).down().withData("error", String.valueOf(e)).build();
        }
        var pong = answer.get();
        var up = pong != null && pong.contains("\"pong\"");
        return HealthCheckResponse.named(NAME).status(up).build();
    }
}
