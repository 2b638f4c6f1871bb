package iii.engine.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionChannelTest {

    /** A session whose asynchronous sends complete as {@code completer} decides. */
    private static final class FakeSession {

        final List<String> sent = Collections.synchronizedList(new ArrayList<>());
        final List<SendHandler> pending = new CopyOnWriteArrayList<>();
        volatile CloseReason closed;
        final boolean completeInline;

        FakeSession(boolean completeInline) {
            this.completeInline = completeInline;
        }

        Session session() {
            var async = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[]{RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                        if (method.getName().equals("sendText") && args.length == 2) {
                            sent.add((String) args[0]);
                            var handler = (SendHandler) args[1];
                            if (completeInline) {
                                handler.onResult(new SendResult());
                            } else {
                                pending.add(handler);
                            }
                            return null;
                        }
                        if (method.getName().equals("sendPing")) {
                            sent.add("<ping>");
                            return null;
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
            return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Session.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getAsyncRemote" -> async;
                        case "close" -> {
                            closed = args == null ? new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "")
                                    : (CloseReason) args[0];
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        /** Completes the oldest outstanding send, as the container would on another thread. */
        void completeOne() {
            pending.remove(0).onResult(new SendResult());
        }
    }

    @Test
    void framesCompletingInlineAreAllSentInOrderWithoutDeepRecursion() {
        var fake = new FakeSession(true);
        var channel = new SessionChannel(fake.session(), Long.MAX_VALUE, null, null);
        for (int i = 0; i < 100_000; i++) {
            channel.send("f" + i);
        }
        assertEquals(100_000, fake.sent.size());
        assertEquals("f99999", fake.sent.get(99_999));
    }

    @Test
    void onlyOneSendIsOutstandingAndTheQueueDrainsAsSendsComplete() {
        var fake = new FakeSession(false);
        var channel = new SessionChannel(fake.session(), Long.MAX_VALUE, null, null);
        channel.send("a");
        channel.send("b");
        channel.send("c");
        assertEquals(List.of("a"), fake.sent);
        fake.completeOne();
        fake.completeOne();
        assertEquals(List.of("a", "b", "c"), fake.sent);
    }

    @Test
    void concurrentSendersNeverOverlapAndLoseNothing() throws Exception {
        var fake = new FakeSession(true);
        var channel = new SessionChannel(fake.session(), Long.MAX_VALUE, null, null);
        var pool = Executors.newFixedThreadPool(4);
        var start = new CountDownLatch(1);
        for (int t = 0; t < 4; t++) {
            var thread = t;
            pool.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                IntStream.range(0, 10_000).forEach(i -> channel.send(thread + ":" + i));
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(40_000, fake.sent.size());
        for (int t = 0; t < 4; t++) {
            var prefix = t + ":";
            var mine = new ArrayList<String>();
            List.copyOf(fake.sent).stream().filter(frame -> frame.startsWith(prefix)).forEach(mine::add);
            assertEquals(IntStream.range(0, 10_000).mapToObj(i -> prefix + i).toList(), mine, "per-sender order");
        }
    }

    @Test
    void aWorkerThatStopsReadingIsDisconnectedOnceItsQueuePassesTheLimit() {
        var fake = new FakeSession(false);
        var channel = new SessionChannel(fake.session(), 1000, null, null);
        channel.send("x".repeat(100));
        for (int i = 0; i < 10; i++) {
            channel.send("x".repeat(100));
        }
        assertNull(fake.closed, "the frame being sent and 1000 waiting characters are within the limit");
        channel.send("x");
        assertEquals("too many unread frames", fake.closed.getReasonPhrase());
        channel.send("ignored");
        assertEquals(1, fake.sent.size());
    }

    @Test
    void pingsWaitTheirTurnBehindFramesBeingSent() {
        var fake = new FakeSession(false);
        var channel = new SessionChannel(fake.session(), Long.MAX_VALUE, null, null);
        channel.send("a");
        channel.ping();
        channel.send("b");
        assertEquals(List.of("a"), fake.sent);
        fake.completeOne();
        assertEquals(List.of("a", "<ping>", "b"), fake.sent);
    }
}
