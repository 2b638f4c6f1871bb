package iii.engine.telemetry;

import iii.engine.registry.WorkerConnected;
import iii.engine.registry.WorkerRetired;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** A span for each worker that connects and each that leaves (after its cleanup), when telemetry is on. */
@ApplicationScoped
public class WorkerEventSpans {

    private EngineTelemetry telemetry;

    protected WorkerEventSpans() {
    }

    @Inject
    public WorkerEventSpans(EngineTelemetry telemetry) {
        this.telemetry = telemetry;
    }

    void connected(@Observes WorkerConnected event) {
        if (telemetry.enabled()) {
            telemetry.workerEvent("worker connect", event.worker());
        }
    }

    void disconnected(@Observes WorkerRetired event) {
        if (telemetry.enabled()) {
            telemetry.workerEvent("worker disconnect", event.worker());
        }
    }
}
