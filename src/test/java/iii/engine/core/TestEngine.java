package iii.engine.core;

import iii.engine.access.AccessGate;
import iii.engine.access.Grant;
import iii.engine.access.RbacConfig;
import iii.engine.access.RbacSession;
import iii.engine.telemetry.EngineTelemetry;

import iii.engine.badinput.BadInputLog;
import iii.engine.channel.ChannelFunctions;
import iii.engine.channel.Channels;
import iii.engine.config.EngineConfig;
import iii.engine.config.EngineExecutors;
import iii.engine.dispatch.Dispatcher;
import iii.engine.dispatch.InvocationResultHandler;
import iii.engine.dispatch.InvokeFunctionHandler;
import iii.engine.dispatch.MessageHandler;
import iii.engine.dispatch.PingHandler;
import iii.engine.dispatch.ReattachHandler;
import iii.engine.dispatch.RegisterFunctionHandler;
import iii.engine.dispatch.RegisterServiceHandler;
import iii.engine.dispatch.RegisterTriggerHandler;
import iii.engine.dispatch.RegisterTriggerTypeHandler;
import iii.engine.dispatch.TriggerRegistrationResultHandler;
import iii.engine.dispatch.UnregisterFunctionHandler;
import iii.engine.dispatch.UnregisterTriggerHandler;
import iii.engine.dispatch.UnregisterTriggerTypeHandler;
import iii.engine.external.ExternalFunctions;
import iii.engine.external.HttpFunctionsConfig;
import iii.engine.introspection.BuiltinFunctions;
import iii.engine.invocation.InvocationObserver;
import iii.engine.invocation.Invoker;
import iii.engine.lifecycle.WorkerCleanup;
import iii.engine.protocol.Codec;
import iii.engine.protocol.Message;
import iii.engine.registry.FunctionRegistry;
import iii.engine.registry.ServiceRegistry;
import iii.engine.registry.TriggerRegistry;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerChannel;
import iii.engine.registry.WorkerConnected;
import iii.engine.registry.WorkerRegistry;
import iii.engine.telemetry.Logs;
import iii.engine.telemetry.OtlpRelay;
import iii.engine.telemetry.TelemetryConfig;
import iii.engine.telemetry.TelemetryIngest;
import iii.engine.trigger.DiscoveryEvents;
import iii.engine.trigger.Triggers;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The engine wired by hand, without a container, with in-memory workers that record every frame the engine sends
 * them. Built-ins run on the calling thread; the scheduler is real.
 */
public final class TestEngine implements AutoCloseable {

    static final JsonProvider JSON = JsonProvider.provider();

    final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    final EngineConfig config;
    final WorkerRegistry workers = new WorkerRegistry();
    final FunctionRegistry functions = new FunctionRegistry();
    final TriggerRegistry triggerRegistry = new TriggerRegistry();
    final ServiceRegistry services = new ServiceRegistry();
    final Triggers triggers;
    final Invoker invoker;
    final ExternalFunctions externals;
    final DiscoveryEvents discovery;
    final WorkerCleanup cleanup;
    final Dispatcher dispatcher;
    final OtlpRelay relay;
    final Logs logs;
    final Channels channels;
    final TelemetryIngest telemetry;
    final BadInputLog badInput;
    final AccessGate gate;

    TestEngine() {
        this(new EngineConfig(1024 * 1024, 600_000, 10, 1 << 20, 0, 1L << 26));
    }

    TestEngine(EngineConfig config) {
        this(config, TelemetryConfig.off());
    }

    TestEngine(EngineConfig config, TelemetryConfig telemetryConfig) {
        this(config, telemetryConfig, new RbacConfig(0, null, 1000, 4, List.of(), null, null, null, null, List.of(),
                Map.of()));
    }

    /** An engine whose RBAC-gated sessions follow {@code rbac}. */
    TestEngine(RbacConfig rbac) {
        this(new EngineConfig(1024 * 1024, 600_000, 10, 1 << 20, 0, 1L << 26), TelemetryConfig.off(), rbac);
    }

    TestEngine(EngineConfig config, TelemetryConfig telemetryConfig, RbacConfig rbac) {
        this.config = config;
        var executors = new EngineExecutors(Runnable::run, scheduler);
        badInput = new BadInputLog(executors);
        triggers = new Triggers(triggerRegistry, badInput);
        invoker = new Invoker(functions, config, executors, InvocationObserver.NONE, badInput);
        externals = new ExternalFunctions(new HttpFunctionsConfig(List.of("127.0.0.1", "localhost"), false, true,
                30_000), executors);
        discovery = new DiscoveryEvents(functions, triggerRegistry, triggers, invoker, executors, config);
        channels = new Channels(System::currentTimeMillis);
        new ChannelFunctions(functions, channels).install();
        cleanup = new WorkerCleanup(workers, functions, services, triggers, invoker, channels,
                new DirectEvent<>(event -> discovery.workerRetired(event)));
        new BuiltinFunctions(functions, workers, triggerRegistry, services,
                new DirectEvent<>(event -> discovery.workerMetadataUpdated(event))).install();
        discovery.install();
        relay = new OtlpRelay(telemetryConfig, executors);
        logs = new Logs(triggers, functions, invoker, relay);
        logs.install();
        telemetry = new TelemetryIngest(workers, logs, relay, executors, telemetryConfig, badInput);
        List<MessageHandler<?>> handlers = List.of(
                new PingHandler(), new InvocationResultHandler(invoker), new InvokeFunctionHandler(invoker),
                new ReattachHandler(workers, cleanup, badInput, null), new RegisterFunctionHandler(functions, externals),
                new RegisterServiceHandler(services), new RegisterTriggerHandler(triggers),
                new RegisterTriggerTypeHandler(triggers), new TriggerRegistrationResultHandler(triggers),
                new UnregisterFunctionHandler(functions), new UnregisterTriggerHandler(triggers),
                new UnregisterTriggerTypeHandler(triggers));
        gate = new AccessGate(rbac, invoker, functions, triggerRegistry, badInput,
                new EngineTelemetry(telemetryConfig, null, workers, relay, telemetry));
        dispatcher = new Dispatcher(handlers, invoker, telemetry, badInput, gate);
    }

    /** Opens a connection as the endpoint does. */
    TestWorker connect() {
        return open(new TestWorker(this, null));
    }

    /** Opens a connection of the RBAC-gated listener whose session follows {@code grant}. */
    TestWorker connect(Grant grant) {
        return open(new TestWorker(this, new RbacSession(grant)));
    }

    private TestWorker open(TestWorker worker) {
        workers.add(worker.worker);
        worker.worker.send(Codec.encode(new Message.WorkerRegistered(worker.worker.id(),
                worker.worker.reattachToken())));
        discovery.workerConnected(new WorkerConnected(worker.worker));
        return worker;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    static JsonObject parse(String json) {
        try (var reader = JSON.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    /** A worker whose socket is a queue of the frames the engine sent it. */
    static final class TestWorker implements WorkerChannel {

        final TestEngine engine;
        final Worker worker;
        final LinkedBlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
        volatile boolean closed;
        final AtomicInteger pings = new AtomicInteger();

        TestWorker(TestEngine engine, RbacSession session) {
            this.engine = engine;
            this.worker = new Worker(this, "127.0.0.1", session);
        }

        @Override
        public void send(String frame) {
            if (!closed) {
                inbox.add(parse(frame));
            }
        }

        @Override
        public void ping() {
            pings.incrementAndGet();
        }

        @Override
        public void close(String reason) {
            closed = true;
        }

        /** Sends a text frame to the engine. */
        TestWorker say(String frame) {
            worker.heard();
            engine.dispatcher.onText(worker, frame);
            return this;
        }

        /** Sends a binary frame (e.g. telemetry: a 4-byte prefix and OTLP/JSON) to the engine. */
        TestWorker sayBinary(String prefix, String json) {
            engine.dispatcher.onBinary(worker, java.nio.ByteBuffer.wrap(
                    (prefix + json).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return this;
        }

        /** Calls a function and waits for its result frame. */
        JsonObject call(String function, String data) {
            var id = UUID.randomUUID().toString();
            say("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":\"" + function
                    + "\",\"data\":" + data + "}");
            return await("invocationresult", frame -> frame.getString("invocation_id").equals(id));
        }

        TestWorker register(String functionId) {
            return say("{\"type\":\"registerfunction\",\"id\":\"" + functionId + "\"}");
        }

        /** The connection drops: cleanup runs as after the endpoint's close. */
        void disconnect() {
            closed = true;
            engine.cleanup.retire(worker);
        }

        String id() {
            return worker.id().toString();
        }

        /** The next frame of the given type that matches, skipping others; fails after two seconds. */
        JsonObject await(String type, Predicate<JsonObject> match) {
            var deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            var skipped = new ArrayList<JsonObject>();
            try {
                while (true) {
                    var frame = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (frame == null) {
                        inbox.addAll(skipped);
                        throw new AssertionError("no " + type + " frame arrived; got " + skipped);
                    }
                    if (frame.getString("type").equals(type) && match.test(frame)) {
                        skipped.forEach(inbox::add);
                        return frame;
                    }
                    skipped.add(frame);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        JsonObject await(String type) {
            return await(type, frame -> true);
        }

        /** Frames received so far of a type, without waiting. */
        List<JsonObject> received(String type) {
            return inbox.stream().filter(frame -> frame.getString("type").equals(type)).toList();
        }
    }

    /** A CDI event delivered synchronously to one observer. */
    public static final class DirectEvent<T> implements Event<T> {

        private final Consumer<T> observer;

        public DirectEvent(Consumer<T> observer) {
            this.observer = observer;
        }

        @Override
        public void fire(T event) {
            observer.accept(event);
        }

        @Override
        public <U extends T> CompletionStage<U> fireAsync(U event) {
            observer.accept(event);
            return CompletableFuture.completedFuture(event);
        }

        @Override
        public <U extends T> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
            return fireAsync(event);
        }

        @Override
        public Event<T> select(Annotation... qualifiers) {
            return this;
        }

        @Override
        public <U extends T> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends T> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }
    }
}
