package iii.engine.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker registers a function, then stops reading its socket while another worker calls it with big payloads,
 * until the engine's queue for it passes {@code iii.send-queue-limit}. It must be unlisted within seconds, every
 * call to it must end (with an error), and the engine must close its TCP socket within a deadline: the engine
 * side's state is read from {@code /proc/net/tcp} (what {@code ss -tn} shows) at the deadline, and the worker then
 * reads again and must come to the end of the stream.
 */
final class StalledReaderProbe implements Fault.Probe {

    private static final String FUNCTION = "fault::stalled";
    private static final int PAYLOAD = 256 << 10;
    private static final long UNLISTED_MS = 5_000;
    private static final long CLOSED_MS = 10_000;
    private static final String[] STATES = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
            "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"};

    @Override
    public long deadlineSeconds(Fault.Options options) {
        return 90;
    }

    @Override
    public void run(Fault suite, Fault.Closer closer) throws Exception {
        var ws = closer.add(RawWs.connect(suite.engine.port, 64 << 10));
        ws.awaitText(text -> text.contains("workerregistered"), 10_000);
        ws.sendText("{\"type\":\"registerfunction\",\"id\":\"" + FUNCTION + "\"}");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listed(suite) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        if (!listed(suite)) {
            suite.row("stalled worker's function listed", "not listed after 10 s", "listed", false);
            return;
        }
        var caller = closer.add(Peer.connect(suite.engine.port, "fault-stalled-caller"));
        var data = "{\"blob\":\"" + "x".repeat(PAYLOAD) + "\"}";
        int maxCalls = (int) Math.min(1024, 4L * Math.max(suite.options.sendQueueLimit, 16 << 20) / PAYLOAD);
        var calls = new ArrayList<CompletableFuture<String>>();
        long t0 = System.nanoTime();
        double unlistedMs = Double.NaN;
        while (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(CLOSED_MS)) {
            if (calls.size() < maxCalls) {
                for (int i = 0; i < 4; i++) {
                    calls.add(caller.call(FUNCTION, data, 60_000));
                }
            }
            if (!listed(suite)) {
                unlistedMs = (System.nanoTime() - t0) / 1e6;
                break;
            }
            Thread.sleep(20);
        }
        // every call must end once the worker is gone
        long ended = 0;
        long endBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (var call : calls) {
            try {
                call.get(Math.max(1, endBy - System.nanoTime()), TimeUnit.NANOSECONDS);
                ended++;
            } catch (ExecutionException e) {
                ended++;
            } catch (TimeoutException e) {
                // still pending
            }
        }
        long wait = t0 + TimeUnit.MILLISECONDS.toNanos(CLOSED_MS) - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
        }
        var state = engineSideState(suite.engine.port, ws.localPort());
        boolean end = ws.drainUntilEnd(5_000, 20_000);
        suite.row("stalled worker unlisted (from the first call)", Double.isNaN(unlistedMs)
                ? "still listed after " + CLOSED_MS + " ms" : Fault.ms(unlistedMs), UNLISTED_MS + " ms",
                unlistedMs <= UNLISTED_MS);
        suite.row("calls to it ended (result or error) within 5 s", ended + " of " + calls.size(),
                Integer.toString(calls.size()), ended == calls.size());
        boolean closed = !state.equals("ESTABLISHED");
        suite.row("its TCP socket closed by the engine", String.format(Locale.ROOT, "engine side %s at %d ms; %s"
                        + " once it read again", state, CLOSED_MS, end ? "end of stream" : "no end of stream"),
                "closed by " + CLOSED_MS + " ms", closed && end);
    }

    private static boolean listed(Fault suite) throws Exception {
        return suite.observer.listFunctions().contains("\"" + FUNCTION + "\"");
    }

    /** The TCP state of the engine's end of the connection to {@code clientPort}, as {@code ss} would show it. */
    static String engineSideState(int enginePort, int clientPort) throws IOException {
        for (var table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            var path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (var line : Files.readAllLines(path)) {
                var f = line.trim().split("\\s+");
                if (f.length < 4 || !f[1].contains(":")) {
                    continue;
                }
                int local = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                int remote = Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1), 16);
                if (local == enginePort && remote == clientPort) {
                    int state = Integer.parseInt(f[3], 16);
                    return state < STATES.length ? STATES[state] : f[3];
                }
            }
        }
        return "gone";
    }
}
