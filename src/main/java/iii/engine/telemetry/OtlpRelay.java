package iii.engine.telemetry;

import iii.engine.config.EngineExecutors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Forwards OTLP/JSON documents (workers' exports, as the SDKs serialised them) to the collector over OTLP/HTTP.
 * {@link #offer} never blocks: a document goes into a bounded queue, or is counted as dropped when the queue is full.
 * One export at a time runs on a container thread; while the collector is away the head of the queue is retried with
 * a growing delay (up to 30 s) and the queue fills, then drops.
 */
@ApplicationScoped
public class OtlpRelay {

    /** The OTLP/HTTP signal paths. */
    public static final String TRACES = "/v1/traces";
    public static final String METRICS = "/v1/metrics";
    public static final String LOGS = "/v1/logs";

    private static final Logger LOG = Logger.getLogger(OtlpRelay.class.getName());
    private static final long MAX_RETRY_DELAY_MS = 30_000;

    private record Export(String path, byte[] json) {
    }

    private TelemetryConfig config;
    private EngineExecutors executors;
    private Backlog<Export> queue;
    private HttpClient client;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile long retryDelayMillis;

    protected OtlpRelay() {
    }

    @Inject
    public OtlpRelay(TelemetryConfig config, EngineExecutors executors) {
        this.config = config;
        this.executors = executors;
        this.queue = new Backlog<>(config.bufferFrames(), executors, this::drain, LOG,
                "Telemetry relay to " + config.endpoint(), "export(s)");
    }

    /** Whether documents are forwarded at all. */
    public boolean enabled() {
        return config.relay();
    }

    /** Queues one OTLP/JSON document for {@code path}; false (and counted) if the relay is off or the queue full. */
    public boolean offer(String path, byte[] json) {
        if (!config.relay()) {
            return false;
        }
        return queue.offer(new Export(path, json));
    }

    /** Exports accepted by the collector. */
    public long sent() {
        return sent.get();
    }

    /** Exports dropped because the buffer was full. */
    public long dropped() {
        return queue.dropped();
    }

    /** Exports the collector refused as malformed (4xx other than 429); not retried. */
    public long rejected() {
        return rejected.get();
    }

    /** Exports waiting. */
    public int queued() {
        return queue.size();
    }

    private void drain() {
        try {
            Export next;
            while ((next = queue.peek()) != null) {
                if (!post(next)) {
                    retryDelayMillis = Math.min(MAX_RETRY_DELAY_MS, Math.max(250, retryDelayMillis * 2));
                    // the timer only hands the retry over: an export may block, timers must not
                    executors.scheduler().schedule(() -> executors.executor().execute(this::drain), retryDelayMillis,
                            TimeUnit.MILLISECONDS);
                    return;
                }
                retryDelayMillis = 0;
                queue.poll();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Telemetry relay failed", e);
        }
        queue.drained();
    }

    /** True when the export is done with (accepted, or refused for good); false to retry later. */
    private boolean post(Export export) {
        try {
            var response = client().send(HttpRequest.newBuilder(URI.create(config.endpoint() + export.path()))
                            .timeout(Duration.ofMillis(config.timeoutMillis()))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(export.json()))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            var status = response.statusCode();
            if (status / 100 == 2) {
                sent.incrementAndGet();
                return true;
            }
            if (status / 100 == 4 && status != 429) {
                rejected.incrementAndGet();
                LOG.fine(() -> "Collector refused an export to " + export.path() + ": HTTP " + status);
                return true;
            }
            LOG.fine(() -> "Collector answered HTTP " + status + " to " + export.path() + "; retrying");
            return false;
        } catch (IOException e) {
            LOG.fine(() -> "Collector at " + config.endpoint() + " unreachable: " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(config.timeoutMillis())).build();
        }
        return client;
    }
}
