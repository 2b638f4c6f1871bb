package iii.engine.dispatch;

import iii.engine.badinput.BadInputLog;
import iii.engine.protocol.Codec;
import iii.engine.protocol.Message;
import iii.engine.registry.RecordingChannel;
import iii.engine.registry.Worker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DispatcherTest {

    /** A handler for every inbound message type, doing nothing. */
    private static List<MessageHandler<?>> oneHandlerPerType() {
        var handlers = new ArrayList<MessageHandler<?>>();
        Arrays.stream(Message.class.getPermittedSubclasses())
                .filter(type -> !Dispatcher.IGNORED.contains(type))
                .forEach(type -> handlers.add(handler(type.asSubclass(Message.class))));
        return handlers;
    }

    private static <M extends Message> MessageHandler<M> handler(Class<M> type) {
        return new MessageHandler<>() {
            @Override
            public Class<M> type() {
                return type;
            }

            @Override
            public void handle(Worker from, M message) {
            }
        };
    }

    @Test
    void everyMessageTypeHasExactlyOneHandlerOrIsIgnored() {
        var index = Dispatcher.index(oneHandlerPerType());
        assertEquals(Message.class.getPermittedSubclasses().length - Dispatcher.IGNORED.size(), index.size());
    }

    @Test
    void aMissingHandlerStopsStartup() {
        var handlers = oneHandlerPerType();
        handlers.remove(0);
        var error = assertThrows(IllegalStateException.class, () -> Dispatcher.index(handlers));
        assertTrue(error.getMessage().startsWith("No handler for"));
    }

    @Test
    void aSecondHandlerForATypeStopsStartup() {
        var handlers = oneHandlerPerType();
        handlers.add(handler(Message.Ping.class));
        assertThrows(IllegalStateException.class, () -> Dispatcher.index(handlers));
    }

    @Test
    void aHandlerForAnEngineOnlyMessageStopsStartup() {
        var handlers = oneHandlerPerType();
        handlers.add(handler(Message.WorkerRegistered.class));
        assertThrows(IllegalStateException.class, () -> Dispatcher.index(handlers));
    }

    @Test
    void aHandlerBugAnswersAWaitingCallerWithAnInvocationResultAndOthersWithAnErrorFrame() {
        var handlers = new ArrayList<MessageHandler<?>>(oneHandlerPerType());
        handlers.removeIf(handler -> handler.type() == Message.InvokeFunction.class);
        handlers.add(new MessageHandler<Message.InvokeFunction>() {
            @Override
            public Class<Message.InvokeFunction> type() {
                return Message.InvokeFunction.class;
            }

            @Override
            public void handle(Worker from, Message.InvokeFunction message) {
                throw new IllegalStateException("a bug");
            }
        });
        var dispatcher = new Dispatcher(handlers, null, null, new BadInputLog(null), null);
        var channel = new RecordingChannel();
        var sent = channel.frames;
        var worker = new Worker(channel, null);
        var id = "4b6f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b";

        dispatcher.onText(worker, "{\"type\":\"invokefunction\",\"invocation_id\":\"" + id
                + "\",\"function_id\":\"f\",\"data\":{}}");
        dispatcher.onText(worker, "{\"type\":\"invokefunction\",\"function_id\":\"f\",\"data\":{}}");

        assertEquals(2, sent.size(), () -> "frames: " + sent);
        assertTrue(sent.get(0).contains("\"type\":\"invocationresult\"") && sent.get(0).contains(id)
                && sent.get(0).contains("internal_error"), sent.get(0));
        assertTrue(sent.get(1).contains("\"type\":\"error\"") && sent.get(1).contains("internal_error"),
                sent.get(1));
    }

    @Test
    void every_warm_up_frame_is_a_frame_the_engine_decodes_and_encodes() {
        for (var frame : Dispatcher.WARM_UP_FRAMES) {
            var message = Codec.decode(frame);
            assertTrue(Codec.encode(message).contains("warm::up"), frame);
        }
    }
}
