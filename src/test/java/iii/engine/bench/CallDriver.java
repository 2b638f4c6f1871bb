package iii.engine.bench;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One cell's closed loop of calls on one connection: {@code inflight} calls outstanding at all times, each reply
 * verified (its id, then its payload) and answered by the next call, on the connection's reader thread. The same
 * {@code invokefunction} frames go to the engine (answered by an {@code invocationresult} whose {@code result} is the
 * callee's echo of {@code data}) and to the echo floor (answered by the frame itself, whose {@code data} is checked).
 *
 * <p>Call {@code k} of slot {@code s} has sequence number {@code s + k * inflight}; the invocation id is a per-cell
 * random UUID prefix followed by the sequence number in hex, and {@code data} is
 * {@code {"n":"<sequence, 16 hex>","pad":"xx…"}}, exactly {@code payloadBytes} long.
 */
final class CallDriver extends Driver implements Conn.Listener {

    static final String FUNCTION = "bench::echo";
    /** The same callee on the JDK's WebSocket client (target {@code jdk}). */
    static final String JDK_FUNCTION = "bench::echo-jdk";

    private final boolean engine;
    private final String function;
    private final int inflight;
    private final String idPrefix;
    private final String padRaw;
    private final String framePrefix;
    private final long[] slotSeq;
    private final long[] slotSent;
    private Conn client;

    CallDriver(boolean engine, int payloadBytes, int inflight) {
        this(engine, FUNCTION, payloadBytes, inflight);
    }

    CallDriver(boolean engine, String function, int payloadBytes, int inflight) {
        this.engine = engine;
        this.function = function;
        this.inflight = inflight;
        var r = ThreadLocalRandom.current();
        this.idPrefix = String.format("%08x-%04x-4%03x-8%03x-", r.nextInt(), r.nextInt(0x10000), r.nextInt(0x1000),
                r.nextInt(0x1000));
        int padLength = payloadBytes - "{\"n\":\"0123456789abcdef\",\"pad\":\"\"}".length();
        if (padLength < 0) {
            throw new IllegalArgumentException("payload too small: " + payloadBytes);
        }
        this.padRaw = "\"" + "x".repeat(padLength) + "\"";
        this.framePrefix = "{\"type\":\"invokefunction\",\"invocation_id\":\"" + idPrefix;
        this.slotSeq = new long[inflight];
        this.slotSent = new long[inflight];
    }

    /** The data of call {@code seq}, exactly the payload size. */
    String data(long seq) {
        return "{\"n\":\"" + hex(seq, 16) + "\",\"pad\":" + padRaw + "}";
    }

    String frame(long seq) {
        return framePrefix + hex(seq, 12) + "\",\"function_id\":\"" + function + "\",\"data\":" + data(seq) + "}";
    }

    /** Sends the first call of every slot. */
    void start(Conn client) throws IOException {
        this.client = client;
        outstanding.set(inflight);
        for (int s = 0; s < inflight; s++) {
            slotSeq[s] = s;
            slotSent[s] = System.nanoTime();
            client.send(frame(s));
        }
    }

    @Override
    public void onText(Conn from, String text) {
        long now = System.nanoTime();
        String id = MiniJson.string(text, 0, "invocation_id");
        if (engine) {
            String type = MiniJson.string(text, 0, "type");
            if ("workerregistered".equals(type) || "ping".equals(type) || "pong".equals(type)) {
                return;
            }
            if (!"invocationresult".equals(type)) {
                error("unexpected frame: " + abbreviate(text));
                return;
            }
        }
        if (id == null || id.length() != 36 || !id.startsWith(idPrefix)) {
            error("reply with an unknown invocation_id: " + abbreviate(text));
            return;
        }
        long seq = Long.parseLong(id, 24, 36, 16);
        int slot = (int) (seq % inflight);
        if (slotSeq[slot] != seq) {
            error("reply to call " + seq + " that is not outstanding: " + abbreviate(text));
            return;
        }
        long at = MiniJson.member(text, 0, engine ? "result" : "data");
        if (at < 0) {
            error("reply without " + (engine ? "result" : "data") + ": " + abbreviate(text));
        } else {
            int start = MiniJson.start(at);
            if (!MiniJson.memberEquals(text, start, "n", "\"" + hex(seq, 16) + "\"")
                    || !MiniJson.memberEquals(text, start, "pad", padRaw)) {
                error("reply " + seq + " with the wrong payload: " + abbreviate(text));
            } else {
                sample(now - slotSent[slot]);
            }
        }
        if (stopping) {
            slotSeq[slot] = -1;
            outstanding.decrementAndGet();
            return;
        }
        long next = seq + inflight;
        slotSeq[slot] = next;
        slotSent[slot] = System.nanoTime();
        try {
            client.send(frame(next));
        } catch (IOException e) {
            error("send failed: " + e);
        }
    }

    @Override
    public void onClosed(Conn from, Throwable error) {
        if (!stopping) {
            error("connection closed: " + error);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…(" + text.length() + " chars)";
    }

    private static String hex(long value, int digits) {
        var chars = new char[digits];
        for (int i = digits - 1; i >= 0; i--) {
            chars[i] = Character.forDigit((int) (value & 0xF), 16);
            value >>>= 4;
        }
        return new String(chars);
    }
}
