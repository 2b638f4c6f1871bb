package iii.engine.http;

import iii.engine.channel.Channel;
import iii.engine.channel.ChannelItem;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The reading end of a request's {@code response} channel, written into the HTTP response as iii does: text frames
 * before the body are control messages ({@code {"type":"set_status","status_code":n}} with n in 100..599,
 * {@code {"type":"set_headers","headers":{…}}} of string values; anything else is ignored and reported as bad
 * input), the first binary frame commits the response with what they set and starts its body, each further binary
 * frame is written and flushed as it comes (so server-sent events reach the client one by one), text frames after
 * that are ignored, and the writer's close ends the response.
 *
 * <p>Writing is asynchronous ({@link WriteListener}): the channel's next frame is taken only once the previous one was
 * handed to the connection, so a slow client holds back the channel (and, through its backpressure, the writer),
 * never a thread. A client that goes away frees the channel, whose writer's socket is closed.
 */
final class ResponseStream implements Channel.ReaderEnd, WriteListener {

    private static final Logger LOG = Logger.getLogger(ResponseStream.class.getName());
    private static final JsonProvider JSON = JsonProvider.provider();

    /** The request this stream answers, as far as the stream drives it. */
    interface Exchange {
        /** Takes the response for the stream; false when it was answered already (then nothing is written). */
        boolean claim();

        /** Answers with a buffered response, unless it was answered already. */
        void finish(HttpMapping.Response response);

        /** Sets the status and headers of the claimed response; returns its output stream, or null for HEAD. */
        ServletOutputStream commit(int status, List<Map.Entry<String, String>> headers) throws IOException;

        /** Ends the claimed response: complete when {@code clean}, cut short otherwise. */
        void close(boolean clean);
    }

    private final Channel channel;
    private final Exchange exchange;
    private final Consumer<String> badControl;
    private int status = 200;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean started;
    private ServletOutputStream out;
    private boolean listening;
    private ByteBuffer pending;
    private Runnable pendingSent;
    private Boolean endedClean;
    private boolean closed;

    /** {@code badControl} gets a description of each text frame before the body that is not a control message. */
    ResponseStream(Channel channel, Exchange exchange, Consumer<String> badControl) {
        this.channel = channel;
        this.exchange = exchange;
        this.badControl = badControl;
    }

    @Override
    public void send(ChannelItem item, Runnable sent) {
        if (item.isText()) {
            synchronized (this) {
                if (!started) {
                    control(item.text());
                }
            }
            sent.run(); // after the body started, text frames mean nothing to HTTP
            return;
        }
        boolean first;
        synchronized (this) {
            first = !started;
            started = true;
        }
        if (first && !start()) {
            sent.run(); // answered already: the channel is discarded with the request
            return;
        }
        synchronized (this) {
            pending = item.binary();
            pendingSent = sent;
        }
        drain();
    }

    /** Claims and commits the response, and registers for writes; false when it had been answered. */
    private boolean start() {
        if (!exchange.claim()) {
            return false;
        }
        List<Map.Entry<String, String>> list;
        int code;
        synchronized (this) {
            list = new ArrayList<>(headers.entrySet());
            code = status;
        }
        try {
            var stream = exchange.commit(code, list);
            synchronized (this) {
                out = stream;
            }
            if (stream != null) {
                stream.setWriteListener(this);
            } else {
                synchronized (this) {
                    listening = true; // HEAD: the body is dropped
                }
            }
        } catch (IOException | RuntimeException e) {
            clientGone(e);
        }
        return true;
    }

    @Override
    public void end(boolean clean, String reason) {
        boolean before;
        synchronized (this) {
            before = !started;
            if (!before) {
                endedClean = clean;
            }
        }
        if (before) {
            if (clean) {
                // closed before any body: the status and headers it set, with an empty body
                HttpMapping.Response response;
                synchronized (this) {
                    var kept = new ArrayList<Map.Entry<String, String>>();
                    headers.forEach((name, value) -> HttpMapping.addHeader(kept, name, value));
                    response = new HttpMapping.Response(status, kept, new byte[0]);
                }
                exchange.finish(response);
            }
            // broken before any body: the call's outcome (or the timeout) answers
            return;
        }
        drain();
    }

    @Override
    public void onWritePossible() {
        synchronized (this) {
            listening = true;
        }
        drain();
    }

    @Override
    public void onError(Throwable failure) {
        clientGone(failure);
    }

    /**
     * Writes what waits as far as the connection takes it; runs the channel's completion once a frame was handed
     * over (and flushed), and ends the response once the channel ended and nothing waits.
     */
    private void drain() {
        Runnable sent = null;
        boolean close = false;
        boolean clean = false;
        try {
            synchronized (this) {
                if (closed || !listening) {
                    return;
                }
                if (pendingSent != null) {
                    if (out != null) {
                        if (!out.isReady()) {
                            return; // onWritePossible comes back
                        }
                        if (pending != null) {
                            out.write(pending.array(), pending.arrayOffset() + pending.position(),
                                    pending.remaining());
                            pending = null;
                            if (!out.isReady()) {
                                return; // the rest goes out on its own; onWritePossible comes back
                            }
                            out.flush();
                            if (!out.isReady()) {
                                return;
                            }
                        }
                    }
                    pending = null;
                    sent = pendingSent; // the connection took it
                    pendingSent = null;
                }
                if (pendingSent == null && endedClean != null) {
                    closed = true;
                    close = true;
                    clean = endedClean;
                }
            }
        } catch (IOException | RuntimeException e) {
            clientGone(e);
            return;
        }
        if (sent != null) {
            sent.run();
        }
        if (close) {
            exchange.close(clean);
        }
    }

    /** The client went away (or the connection broke): the channel is freed and its writer's socket closed. */
    private void clientGone(Throwable failure) {
        Runnable sent;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            pending = null;
            sent = pendingSent;
            pendingSent = null;
        }
        LOG.log(Level.FINE, "HTTP streaming response cut off (client gone?)", failure);
        channel.readerGone();
        if (sent != null) {
            sent.run();
        }
        exchange.close(false);
    }

    /** Applies one control message, as iii's {@code apply_control_message}. */
    private void control(String text) {
        JsonObject message;
        try (var reader = JSON.createReader(new StringReader(text))) {
            var value = reader.readValue();
            message = value instanceof JsonObject o ? o : null;
        } catch (JsonException | IllegalStateException e) {
            message = null;
        }
        var type = message != null && message.get("type") instanceof JsonString s ? s.getString() : null;
        if ("set_status".equals(type) && message.get("status_code") instanceof JsonNumber n && n.isIntegral()
                && n.longValue() >= 100 && n.longValue() <= 599) {
            status = n.intValue();
        } else if ("set_headers".equals(type) && message.get("headers") instanceof JsonObject given) {
            given.forEach((name, v) -> {
                if (v instanceof JsonString s && HeaderSyntax.isName(name) && HeaderSyntax.isValue(s.getString())) {
                    headers.keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)));
                    headers.put(name, s.getString());
                }
            });
        } else {
            badControl.accept(text.length() > 200 ? text.substring(0, 200) + "…" : text);
        }
    }
}
