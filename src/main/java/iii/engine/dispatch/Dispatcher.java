package iii.engine.dispatch;

import iii.engine.access.AccessGate;
import iii.engine.badinput.BadInput;
import iii.engine.badinput.BadInputLog;
import iii.engine.invocation.Invoker;
import iii.engine.protocol.Codec;
import iii.engine.protocol.ErrorCode;
import iii.engine.protocol.FrameException;
import iii.engine.protocol.Message;
import iii.engine.protocol.Message.InvocationResult;
import iii.engine.registry.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns a worker's frames into handled messages. A frame that cannot be decoded is answered with an {@code error}
 * frame, or with an {@code invocationresult} where a caller waits, and dropped; it never closes the connection or
 * touches anything of another worker. Checks at start-up that every message type has exactly one handler.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

    /** Messages that only the engine sends; a worker sending one is ignored. */
    static final Set<Class<? extends Message>> IGNORED =
            Set.of(Message.WorkerRegistered.class, Message.Pong.class, Message.Error.class);

    private static final byte[][] TELEMETRY_PREFIXES = {
            "OTLP".getBytes(StandardCharsets.US_ASCII),
            "MTRC".getBytes(StandardCharsets.US_ASCII),
            "LOGS".getBytes(StandardCharsets.US_ASCII)};

    private Map<Class<?>, MessageHandler<?>> handlers;
    private Invoker invoker;
    private TelemetryFrames telemetry;
    private BadInputLog badInput;
    private AccessGate gate;

    protected Dispatcher() {
    }

    @Inject
    public Dispatcher(Instance<MessageHandler<?>> handlers, Invoker invoker, TelemetryFrames telemetry,
                      BadInputLog badInput, AccessGate gate) {
        this(handlers.stream().toList(), invoker, telemetry, badInput, gate);
    }

    public Dispatcher(List<MessageHandler<?>> handlers, Invoker invoker, TelemetryFrames telemetry,
                      BadInputLog badInput, AccessGate gate) {
        this.handlers = index(handlers);
        this.invoker = invoker;
        this.telemetry = telemetry;
        this.badInput = badInput;
        this.gate = gate;
    }

    /** Maps each message type to its handler; fails unless every type has exactly one handler or is ignored. */
    static Map<Class<?>, MessageHandler<?>> index(List<MessageHandler<?>> handlers) {
        var index = new HashMap<Class<?>, MessageHandler<?>>();
        for (var handler : handlers) {
            if (index.put(handler.type(), handler) != null || IGNORED.contains(handler.type())) {
                throw new IllegalStateException("More than one handler for " + handler.type().getSimpleName());
            }
        }
        for (var type : Message.class.getPermittedSubclasses()) {
            if (!index.containsKey(type) && !IGNORED.contains(type)) {
                throw new IllegalStateException("No handler for " + type.getSimpleName());
            }
        }
        return Map.copyOf(index);
    }

    /** One frame of each kind a worker's first registrations and calls bring (see {@link #warmUp()}). */
    static final List<String> WARM_UP_FRAMES = List.of(
            "{\"type\":\"registerfunction\",\"id\":\"warm::up\",\"description\":\"\",\"metadata\":{}}",
            "{\"type\":\"registertrigger\",\"id\":\"t\",\"trigger_type\":\"http\",\"function_id\":\"warm::up\","
                    + "\"config\":{\"api_path\":\"warm/up\",\"http_method\":\"GET\"}}",
            "{\"type\":\"invokefunction\",\"invocation_id\":\"8d0c1e4a-2b3f-4c5d-9e6f-7a8b9c0d1e2f\",\"function_id\":\"warm::up\",\"data\":{}}",
            "{\"type\":\"invocationresult\",\"invocation_id\":\"8d0c1e4a-2b3f-4c5d-9e6f-7a8b9c0d1e2f\",\"function_id\":\"warm::up\",\"result\":{}}");

    /**
     * Decodes and encodes {@link #WARM_UP_FRAMES} when the engine starts, so that the code they need is loaded then
     * rather than at the first worker's first frames: on a cold engine those took some 300 ms, longer than clients
     * wait between registering an HTTP route and calling it (iii's own SDK tests wait 300 ms).
     */
    public void warmUp() {
        for (var frame : WARM_UP_FRAMES) {
            try {
                Codec.encode(Codec.decode(frame));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Warm-up frame not decoded", e);
            }
        }
    }

    /** One text frame from a worker. */
    public void onText(Worker from, String frame) {
        if (frame.isBlank()) {
            return;
        }
        Message message;
        try {
            message = Codec.decode(frame);
        } catch (FrameException e) {
            refuse(from, frame, ErrorCode.INVALID_MESSAGE, e.getMessage());
            return;
        }
        from.spokeProtocol();
        if (from.session() != null) {
            gate.admit(from, message, frame.length(), admitted -> dispatch(from, admitted));
        } else {
            dispatch(from, message);
        }
    }

    /**
     * One binary frame: telemetry (its 4-byte prefix says which) goes to {@link TelemetryFrames} and is not
     * answered; anything else is taken as a UTF-8 protocol message.
     */
    public void onBinary(Worker from, ByteBuffer frame) {
        if (isTelemetry(frame)) {
            from.sentTelemetry();
            telemetry.accept(from, frame);
            return;
        }
        try {
            onText(from, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(frame).toString());
        } catch (CharacterCodingException e) {
            refuse(from, "", ErrorCode.INVALID_MESSAGE, "binary frame is neither telemetry nor UTF-8 JSON");
        }
    }

    /** A frame larger than the engine accepts: whoever waits on it learns why, the rest is dropped. */
    public void onRefused(Worker from, String head, String why) {
        refuse(from, head, ErrorCode.PAYLOAD_TOO_LARGE, why);
    }

    @SuppressWarnings("unchecked")
    private void dispatch(Worker from, Message message) {
        var handler = (MessageHandler<Message>) handlers.get(message.getClass());
        if (handler == null) {
            return;
        }
        try {
            handler.handle(from, message);
        } catch (RuntimeException e) {
            badInput.report(LOG, from.badInput(), BadInput.HANDLER_FAILED,
                    () -> "Handling " + message.type() + " from worker " + from + " failed", e);
            var body = ErrorCode.INTERNAL_ERROR.body(message.type() + " could not be handled: " + e);
            if (message instanceof Message.InvokeFunction call && call.invocationId() != null
                    && !"void".equals(call.action())) {
                // the caller waits for this id: an error frame would leave it waiting until its own timeout
                from.send(Codec.encode(new InvocationResult(call.invocationId(), call.functionId(), null, body,
                        call.traceparent(), call.baggage())));
            } else {
                from.send(Codec.encode(new Message.Error(body)));
            }
        }
    }

    private void refuse(Worker from, String frame, ErrorCode code, String why) {
        badInput.report(LOG, from.badInput(), code == ErrorCode.PAYLOAD_TOO_LARGE ? BadInput.PAYLOAD_TOO_LARGE
                : BadInput.INVALID_MESSAGE, () -> "Dropped a frame from worker " + from + ": " + why);
        var skim = Codec.skim(frame);
        if (skim.invocationId() != null && "invokefunction".equals(skim.type())) {
            from.send(Codec.encode(new InvocationResult(skim.invocationId(), orEmpty(skim.functionId()), null,
                    code.body(why), null, null)));
        } else if (skim.invocationId() != null && "invocationresult".equals(skim.type())) {
            answerWithError(from, skim.invocationId(), skim.functionId(), code, why);
        } else {
            from.send(Codec.encode(new Message.Error(code.body(why))));
        }
    }

    /** The waiting caller of a broken answer gets the error now instead of waiting for the call to expire. */
    private void answerWithError(Worker from, UUID id, String functionId, ErrorCode code, String why) {
        if (!invoker.answer(from, new InvocationResult(id, orEmpty(functionId), null,
                code.body("the answer could not be used: " + why), null, null))) {
            from.send(Codec.encode(new Message.Error(code.body(why))));
        }
    }

    private static boolean isTelemetry(ByteBuffer frame) {
        if (frame.remaining() < 4) {
            return false;
        }
        var head = new byte[4];
        frame.duplicate().get(head);
        return Arrays.stream(TELEMETRY_PREFIXES).anyMatch(prefix -> Arrays.equals(prefix, head));
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
