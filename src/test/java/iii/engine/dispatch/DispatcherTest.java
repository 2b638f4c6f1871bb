package iii.engine.dispatch;

import iii.engine.protocol.Message;
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
}
