package iii.engine.telemetry;

import iii.engine.badinput.BadInput;
import iii.engine.badinput.BadInputLog;
import iii.engine.config.EngineExecutors;
import iii.engine.dispatch.TelemetryFrames;
import iii.engine.protocol.RawJson;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;

import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Workers' telemetry frames (PROTOCOL.md §1.3), from {@code /} and {@code /otel}. On the socket's thread a frame is
 * only classified by its prefix and copied into bounded queues (dropped and counted when they are full): to the
 * collector through {@link OtlpRelay} when the relay is on, and to local decoding when something here needs it —
 * {@code MTRC} always (the worker gauges become {@code latest_metrics}), {@code LOGS} only while a {@code log} trigger
 * exists. Decoding runs on a container thread. A frame nothing needs costs a four-byte comparison.
 */
@ApplicationScoped
public class TelemetryIngest implements TelemetryFrames {

    private static final Logger LOG = Logger.getLogger(TelemetryIngest.class.getName());

    private static final int TRACES = 'O' << 24 | 'T' << 16 | 'L' << 8 | 'P';
    private static final int METRICS = 'M' << 24 | 'T' << 16 | 'R' << 8 | 'C';
    private static final int LOGS = 'L' << 24 | 'O' << 16 | 'G' << 8 | 'S';

    private record Frame(int kind, byte[] json, Worker from) {
    }

    private WorkerRegistry workers;
    private Logs logs;
    private OtlpRelay relay;
    private Backlog<Frame> local;
    private BadInputLog badInput;

    protected TelemetryIngest() {
    }

    @Inject
    public TelemetryIngest(WorkerRegistry workers, Logs logs, OtlpRelay relay, EngineExecutors executors,
                           TelemetryConfig config, BadInputLog badInput) {
        this.workers = workers;
        this.badInput = badInput;
        this.logs = logs;
        this.relay = relay;
        this.local = new Backlog<>(config.bufferFrames(), executors, this::decodeQueued, LOG, "Telemetry decoding",
                "frame(s)");
    }

    @Override
    public void accept(Worker from, ByteBuffer frame) {
        if (frame.remaining() < 4) {
            return;
        }
        var kind = frame.getInt(frame.position());
        var decode = kind == METRICS || (kind == LOGS && logs.hasSubscribers());
        var forward = relay.enabled() && (kind == TRACES || kind == METRICS || kind == LOGS);
        if (!decode && !forward) {
            return;
        }
        var json = new byte[frame.remaining() - 4];
        frame.duplicate().position(frame.position() + 4).get(json);
        if (forward) {
            relay.offer(kind == TRACES ? OtlpRelay.TRACES : kind == METRICS ? OtlpRelay.METRICS : OtlpRelay.LOGS,
                    json);
        }
        if (decode) {
            local.offer(new Frame(kind, json, from));
        }
    }

    /** Frames dropped because local decoding was behind. */
    public long localDropped() {
        return local.dropped();
    }

    private void decodeQueued() {
        Frame next;
        while ((next = local.poll()) != null) {
            try {
                decode(next);
            } catch (JsonException | ClassCastException | IllegalStateException e) {
                var from = next.from();
                LOG.fine(() -> "Unreadable telemetry frame from " + (from == null ? "/otel" : "worker " + from)
                        + ": " + e);
            } catch (RuntimeException e) {
                var from = next.from();
                badInput.report(LOG, from == null ? null : from.badInput(), BadInput.TELEMETRY_UNREADABLE,
                        () -> "Telemetry frame from " + (from == null ? "/otel" : "worker " + from)
                                + " could not be processed", e);
            }
        }
        local.drained();
    }

    private void decode(Frame frame) {
        var export = OtlpJson.parse(frame.json());
        if (frame.kind() == METRICS) {
            WorkerGauges.read(export).forEach(this::update);
        } else if (frame.kind() == LOGS) {
            logs.deliverExport(export);
        }
    }

    private void update(String workerId, JsonObject gauges) {
        Worker worker;
        try {
            worker = workers.get(UUID.fromString(workerId));
        } catch (IllegalArgumentException e) {
            worker = null;
        }
        if (worker == null) {
            return;
        }
        var previous = worker.latestMetrics();
        worker.latestMetrics(RawJson.of(WorkerGauges.merge(
                previous == null ? null : (JsonObject) previous.toJsonValue(), gauges)));
    }
}
