package iii.engine.fault;

import iii.engine.bench.Conn;
import iii.engine.bench.MiniJson;
import iii.engine.bench.WsClient;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The RBAC-gated worker listener under hostile input, beside the well-behaved workers (who stay on the trusted
 * port). The engine's gated port exposes their two functions, allows one {@code Origin} and asks an auth function
 * with a 1 s timeout; the auth function is served by this probe's own worker on the trusted port, and answers by
 * the {@code X-Fault-Token} header: {@code good} admits, {@code bad} (or none) answers an error, {@code error}
 * answers something that is not an AuthResult, {@code slow} never answers.
 *
 * <p>First, hostile upgrades: bad, missing and erroneous tokens, a foreign origin, more slow-auth upgrades at once
 * than {@code iii.rbac.max-pending-auth} lets wait (the rest get 503), huge and many headers, garbage HTTP, upgrades
 * cut off mid-request or while authenticating. Each must be answered with a refusal or closed, none upgraded; a good
 * token must still be admitted after them. Then admitted sessions get the fuzz probe's malformed frames mixed with
 * calls to forbidden ids (each must be answered {@code FORBIDDEN}), registrations of the well-behaved workers' ids
 * and of the auth function's (takeover attempts; the owners must keep them), unregistrations of them, and floods of
 * registrations (gone with their sessions). Measured besides: log bytes per bad input, live heap after GC once the
 * sessions are gone, the well-behaved workers' slowest call meanwhile.
 */
final class RbacProbe implements Fault.Probe {

    static final String AUTH_FUNCTION = "fault::rbac-auth";
    static final String ALLOWED_ORIGIN = "http://fault.example";
    private static final String TOKEN_HEADER = "X-Fault-Token";
    /** Accepted answers to a hostile upgrade: refusals, and 0 for a connection closed without an answer. */
    private static final Set<Integer> REFUSALS = Set.of(0, 400, 401, 403, 404, 405, 413, 414, 426, 431, 503, 505);
    /** The slowest answer of each kind of upgrade, in nanoseconds from the start of its batch. */
    private static final Map<String, Long> SLOWEST = new ConcurrentHashMap<>();
    /** The start of each request that got no answer, for the report. */
    private static final Map<String, String> UNANSWERED = new ConcurrentHashMap<>();
    private static final Pattern OWNER = Pattern.compile("\"function_id\":\"([^\"]+)\",\"worker_id\":\"([^\"]*)\"");

    /** The engine settings of the gated listener on {@code port}. */
    static Map<String, String> engineEnvironment(int port) {
        return Map.of("III_RBAC_PORT", Integer.toString(port),
                "III_RBAC_EXPOSE_FUNCTIONS", Traffic.A + "," + Traffic.B,
                "III_RBAC_AUTH_FUNCTION_ID", AUTH_FUNCTION,
                "III_RBAC_AUTH_TIMEOUT_MS", "1000",
                "III_RBAC_ALLOWED_ORIGINS", ALLOWED_ORIGIN);
    }

    @Override
    public long deadlineSeconds(Fault.Options options) {
        return 150 + options.rbacFrames / 250;
    }

    @Override
    public void run(Fault suite, Fault.Closer closer) throws Exception {
        if (suite.rbacPort == 0) {
            throw new IllegalStateException("the engine has no RBAC-gated port");
        }
        var auth = closer.add(AuthWorker.connect(suite.engine.port));
        awaitListed(suite, AUTH_FUNCTION);
        int baselineWorkers = suite.observer.workerCount();
        var heapBefore = suite.heapAfterGc();
        long logBefore = suite.logSize();
        suite.traffic.peak();
        long upgrades = hostileUpgrades(suite, closer);
        long frames = sessions(suite, closer, auth);
        double peak = suite.traffic.peak();

        var list = suite.observer.listFunctions();
        var owners = new TreeMap<String, String>();
        var matcher = OWNER.matcher(list);
        while (matcher.find()) {
            owners.put(matcher.group(1), matcher.group(2));
        }
        boolean kept = suite.traffic.a.workerId.equals(owners.get(Traffic.A))
                && suite.traffic.b.workerId.equals(owners.get(Traffic.B))
                && auth.workerId != null && auth.workerId.equals(owners.get(AUTH_FUNCTION));
        suite.row("owners of peers' and auth function after takeovers", kept ? "unchanged" : "moved: " + owners,
                "unchanged", kept);
        boolean gone = suite.awaitWorkers(baselineWorkers, 30_000);
        long stale = 0;
        for (long deadline = System.nanoTime() + 30_000_000_000L; ; ) {
            stale = MiniJson.count(suite.observer.listFunctions(), "\"fault::rbac-flood-");
            if (stale == 0 || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(200);
        }
        suite.row("sessions and their flood registrations gone", gone && stale == 0 ? "yes"
                        : (gone ? "" : "workers still listed; ") + stale + " flood functions listed after 30 s", "30 s",
                gone && stale == 0);
        long logBytes = suite.logSize() - logBefore;
        long bad = upgrades + frames;
        double perInput = (double) logBytes / Math.max(1, bad);
        suite.row("engine log bytes per bad input", String.format(Locale.ROOT, "%.1f B (%d B for %d)", perInput,
                logBytes, bad), String.format(Locale.ROOT, "%.0f B", suite.options.logBytesPerFrame),
                perInput <= suite.options.logBytesPerFrame);
        suite.row("well-behaved calls' slowest during it", Fault.ms(peak), "1000 ms", peak <= 1000);
        auth.close();
        suite.heapRow(heapBefore, suite.options.heapSlackMib);
    }

    private static void awaitListed(Fault suite, String functionId) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!suite.observer.listFunctions().contains("\"" + functionId + "\"")) {
            if (System.nanoTime() > deadline) {
                throw new IOException(functionId + " not listed within 15 s");
            }
            Thread.sleep(100);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Upgrades

    /** Every kind of hostile upgrade; returns how many were made. */
    private static long hostileUpgrades(Fault suite, Fault.Closer closer) throws Exception {
        int port = suite.rbacPort;
        var answers = new ConcurrentHashMap<String, Map<Integer, AtomicLong>>();
        var pool = Executors.newFixedThreadPool(Math.max(8, suite.options.rbacSlow), r -> {
            var t = new Thread(r, "fault-rbac-upgrade");
            t.setDaemon(true);
            return t;
        });
        closer.add(pool::shutdownNow);
        var random = new Random(11);
        SLOWEST.clear();
        UNANSWERED.clear();
        long t0 = System.nanoTime();
        long count = 0;
        // 8 at a time, under iii.rbac.max-pending-auth: each must get its own refusal, not 503
        for (int wave = 0; wave < 8; wave++) {
            count += batch(pool, answers, "bad token", 8, i -> upgrade(port, "bad", ""), 0);
            count += batch(pool, answers, "error token", 4, i -> upgrade(port, "error", ""), 0);
            count += batch(pool, answers, "no token", 4, i -> upgrade(port, null, ""), 0);
            count += batch(pool, answers, "foreign origin", 2,
                    i -> upgrade(port, "good", "Origin: http://evil.example\r\n"), 0);
        }
        // channel sockets are admitted by their key alone: an unknown channel or a wrong key is refused at the upgrade
        count += batch(pool, answers, "unknown channel", 10, i -> ascii(upgradeText(port, i % 2 == 0 ? "good" : null,
                "").replace("GET / ", "GET /ws/channels/" + UUID.randomUUID() + "?key=" + UUID.randomUUID()
                + "&dir=" + (i % 4 < 2 ? "write" : "read") + " "), port), 0);
        int slow = suite.options.rbacSlow;
        count += batch(pool, answers, "slow token", slow, i -> upgrade(port, "slow", ""), 0);
        double slowestMs = SLOWEST.getOrDefault("slow token", 0L) / 1e6;
        double slowest503Ms = SLOWEST.getOrDefault("slow token 503", 0L) / 1e6;
        count += batch(pool, answers, "huge header", 10,
                i -> upgrade(port, null, "X-Pad: " + "a".repeat(65_536 << (i % 3)) + "\r\n"), 0);
        count += batch(pool, answers, "many headers", 10, i -> {
            var headers = new StringBuilder();
            for (int h = 0; h < 500 << (i % 3); h++) {
                headers.append("X-H-").append(h).append(": v\r\n");
            }
            return upgrade(port, null, headers.toString());
        }, 0);
        var garbage = new ArrayList<byte[]>();
        var trusted = new ArrayList<byte[]>();
        for (int i = 0; i < 20; i++) {
            var bytes = new byte[1 + random.nextInt(400)];
            random.nextBytes(bytes);
            var text = new String(bytes, StandardCharsets.ISO_8859_1) + "\r\n\r\n";
            garbage.add(ascii(text, port));
            trusted.add(ascii(text, suite.engine.port));
        }
        // the same bytes to the trusted port: how the container itself answers them, apart from the gate
        count += batch(pool, answers, "garbage bytes, trusted port", trusted.size(), trusted::get, 0);
        // a good token on requests that are not a valid upgrade: the handshake must still fail
        garbage.add(ascii("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + TOKEN_HEADER
                + ": good\r\n\r\n", port));
        garbage.add(ascii(upgradeText(port, "good", "").replace("Version: 13", "Version: 99"), port));
        garbage.add(ascii(upgradeText(port, "good", "").replace("GET / HTTP/1.1", "GET / HTTP/9.9"), port));
        garbage.add(ascii(upgradeText(port, "bad", "").replace("GET", "POST")
                .replace("\r\n\r\n", "\r\nContent-Length: 5\r\n\r\nhello"), port));
        garbage.add(ascii("GET /" + "x".repeat(100_000) + " HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n",
                port));
        garbage.add(ascii("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nBroken header line\r\n"
                + TOKEN_HEADER + ": good\r\n\r\n", port));
        count += batch(pool, answers, "garbage HTTP", garbage.size(), garbage::get, 0);
        count += batch(pool, answers, "closed mid-request", 30, i -> {
            var request = upgrade(port, "good", "");
            return Arrays.copyOf(request, 1 + random.nextInt(request.length - 5));
        }, 1);
        count += batch(pool, answers, "closed while authenticating", 20, i -> upgrade(port, "slow", ""), 100);
        double seconds = (System.nanoTime() - t0) / 1e9;

        // bytes the container cannot parse as HTTP it may hold unanswered, on the trusted port as well (Grizzly's
        // parser waits for a request line): the gated port may hold as many of the same bytes, no more
        long held = FuzzProbe.counts(answers.getOrDefault("garbage bytes, trusted port", Map.of()))
                .getOrDefault(-1, 0L);
        long total = 0;
        long wrong = 0;
        var lines = new ArrayList<String>();
        for (var entry : new TreeMap<>(answers).entrySet()) {
            var kind = entry.getKey();
            var byCode = FuzzProbe.counts(entry.getValue());
            for (var code : byCode.entrySet()) {
                total += code.getValue();
                boolean ok = switch (kind) {
                    case "bad token", "error token", "no token" -> code.getKey() == 401;
                    case "foreign origin" -> code.getKey() == 403;
                    case "unknown channel" -> code.getKey() == 404;
                    case "slow token" -> code.getKey() == 401 || code.getKey() == 503;
                    case "closed mid-request", "closed while authenticating" -> true;
                    case "garbage HTTP", "garbage bytes, trusted port" -> REFUSALS.contains(code.getKey())
                            || code.getKey() == -1 && code.getValue() <= held;
                    default -> REFUSALS.contains(code.getKey());
                };
                wrong += ok ? 0 : code.getValue();
            }
            lines.add(kind + " " + describe(byCode));
        }
        System.out.printf(Locale.ROOT, "    %d hostile upgrades in %.1f s: %s%n", count, seconds,
                String.join("; ", lines));
        if (!UNANSWERED.isEmpty()) {
            System.out.println("    no answer within 5 s to: " + new TreeMap<>(UNANSWERED));
        }
        var all = new TreeMap<Integer, Long>();
        answers.forEach((kind, byCode) -> {
            if (!kind.startsWith("closed ")) {
                byCode.forEach((code, n) -> all.merge(code, n.get(), Long::sum));
            }
        });
        suite.row("hostile upgrades answered as expected", (count - wrong) + " of " + count + ": " + describe(all)
                        + (held > 0 ? " (no answer: unparsable bytes, as on the trusted port)" : ""),
                "refused or closed, none 101", wrong == 0 && total == count);
        var slowCodes = FuzzProbe.counts(answers.getOrDefault("slow token", Map.of()));
        long refused503 = slowCodes.getOrDefault(503, 0L);
        long refused401 = slowCodes.getOrDefault(401, 0L);
        boolean slowOk = refused401 + refused503 == slow && (slow <= 16 || refused503 >= slow - 16);
        suite.row(slow + " slow-auth upgrades at once (16 may wait)", "401 x" + refused401 + " (timed out), 503 x"
                        + refused503 + " (the last after " + Fault.ms(slowest503Ms) + "), last answer after "
                        + Fault.ms(slowestMs),
                slow > 16 ? ">= " + (slow - 16) + " 503" : "all 401", slowOk);
        // the slow ones cut off while authenticating still hold their places until the auth timeout
        Thread.sleep(1_500);
        String admitted = "refused";
        for (int attempt = 0; attempt < 5 && admitted.startsWith("refused"); attempt++) {
            try (var ws = RawWs.connect(port, 0, TOKEN_HEADER + ": good\r\n")) {
                ws.sendText("{\"type\":\"ping\"}");
                admitted = ws.awaitText(t -> t.contains("\"pong\""), 10_000) != null ? "yes" : "no pong";
            } catch (IOException e) {
                admitted = "refused: " + e.getMessage();
                Thread.sleep(1_000);
            }
        }
        suite.row("good token admitted after them", admitted, "yes", admitted.equals("yes"));
        return count;
    }

    private interface RequestMaker {
        byte[] make(int index) throws Exception;
    }

    /**
     * Makes {@code n} upgrade attempts of one kind, all at once, and counts their answers by status code.
     * {@code closeAfterMillis} above 0: the request (or its part) is sent and the socket closed after that long.
     */
    private static long batch(ExecutorService pool,
                              Map<String, Map<Integer, AtomicLong>> answers, String kind, int n, RequestMaker maker,
                              long closeAfterMillis) throws Exception {
        var start = new CountDownLatch(1);
        var tasks = new ArrayList<Future<?>>();
        var requests = new ArrayList<byte[]>();
        for (int i = 0; i < n; i++) {
            requests.add(maker.make(i));
        }
        long t0 = System.nanoTime();
        var byCode = answers.computeIfAbsent(kind, k -> new ConcurrentHashMap<>());
        for (int i = 0; i < n; i++) {
            int index = i;
            tasks.add(pool.submit(() -> {
                start.await();
                int code = attempt(requests.get(index), closeAfterMillis);
                if (code == -1) {
                    var request = requests.get(index);
                    UNANSWERED.putIfAbsent(kind + " " + index, Fault.head(new String(request, 6,
                            Math.min(60, request.length - 6), StandardCharsets.ISO_8859_1)
                            .replaceAll("[^\\x20-\\x7e]", "?")));
                }
                SLOWEST.merge(kind, System.nanoTime() - t0, Math::max);
                SLOWEST.merge(kind + " " + code, System.nanoTime() - t0, Math::max);
                byCode.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
                return null;
            }));
        }
        start.countDown();
        for (var task : tasks) {
            task.get();
        }
        return n;
    }

    private static int portOf(byte[] request) {
        return Integer.parseInt(new String(request, 0, 6, StandardCharsets.US_ASCII).trim());
    }

    /**
     * Sends {@code request} (its first six bytes are the port, then the bytes to send) and returns the status code
     * of the answer: 0 when the engine closed without one, -1 when none came within 5 s, -2 when the probe closed
     * the socket after {@code closeAfterMillis}, 101 when it was upgraded.
     */
    private static int attempt(byte[] request, long closeAfterMillis) throws IOException, InterruptedException {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", portOf(request)), 10_000);
            socket.setSoTimeout(5_000);
            try {
                socket.getOutputStream().write(request, 6, request.length - 6);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // the engine closed it while it was being sent: read what it answered, if anything
            }
            if (closeAfterMillis > 0) {
                Thread.sleep(closeAfterMillis);
                return -2;
            }
            return status(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            return -1;
        }
    }

    private static int status(InputStream in) throws IOException {
        var line = new StringBuilder();
        try {
            for (int c = in.read(); c >= 0 && c != '\n' && line.length() < 200; c = in.read()) {
                line.append((char) c);
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return 0; // reset
        }
        var parts = line.toString().trim().split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return 0;
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** An upgrade request to {@code port} (behind its six-byte port prefix) with {@code token}, if any. */
    private static byte[] upgrade(int port, String token, String headers) {
        return ascii(upgradeText(port, token, headers), port);
    }

    private static String upgradeText(int port, String token, String headers) {
        return ("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + (token == null ? "" : TOKEN_HEADER + ": " + token + "\r\n") + headers + "\r\n");
    }

    private static byte[] ascii(String text, int port) {
        return concat(String.format(Locale.ROOT, "%6d", port).getBytes(StandardCharsets.US_ASCII),
                text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        var bytes = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, bytes, a.length, b.length);
        return bytes;
    }

    private static String describe(Map<Integer, Long> byCode) {
        var parts = new ArrayList<String>();
        byCode.forEach((code, n) -> parts.add((code == 0 ? "closed" : code == -1 ? "no answer in 5 s"
                : code == -2 ? "cut off" : Integer.toString(code)) + " x" + n));
        return String.join(", ", parts);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Sessions

    /** Fuzz and RBAC-specific bad input over admitted sessions; returns how many frames were sent. */
    private static long sessions(Fault suite, Fault.Closer closer, AuthWorker auth) throws Exception {
        var options = suite.options;
        int port = suite.rbacPort;
        int m = options.rbacSessions;
        // frames that make the container close the connection are the fuzz probe's to send
        var kinds = options.fuzzKinds.stream().filter(k -> !k.equals("bad-utf8-text") && !k.equals("reserved-opcode"))
                .toList();
        var peers = List.of(suite.traffic.a.workerId, suite.traffic.b.workerId);
        var sent = new AtomicLong();
        var reconnects = new AtomicLong();
        var answered = new AtomicLong();
        var received = new AtomicLong();
        var errors = new AtomicLong();
        var exposedOk = new AtomicLong();
        var forbiddenSent = new AtomicLong();
        var forbiddenAnswered = new AtomicLong();
        var forbiddenOther = new ConcurrentHashMap<String, String>();
        var byKind = new ConcurrentHashMap<String, AtomicLong>();
        var closeCodes = new ConcurrentHashMap<Integer, AtomicLong>();
        var forbidden = ConcurrentHashMap.<String>newKeySet();
        var exposed = ConcurrentHashMap.<String>newKeySet();
        var pool = Executors.newFixedThreadPool(m, r -> {
            var t = new Thread(r, "fault-rbac-session");
            t.setDaemon(true);
            return t;
        });
        closer.add(pool::shutdownNow);
        Consumer<String> texts = text -> {
            var type = MiniJson.string(text, 0, "type");
            if ("error".equals(type)) {
                errors.incrementAndGet();
            } else if ("invocationresult".equals(type)) {
                var id = MiniJson.string(text, 0, "invocation_id");
                if (id != null && forbidden.remove(id)) {
                    if (text.contains("\"FORBIDDEN\"")) {
                        forbiddenAnswered.incrementAndGet();
                    } else {
                        forbiddenOther.putIfAbsent("answer", text);
                    }
                } else if (id != null && exposed.remove(id)) {
                    if (MiniJson.member(text, 0, "result") >= 0 && text.contains("\"exposed\"")) {
                        exposedOk.incrementAndGet();
                    }
                }
            }
        };
        long t0 = System.nanoTime();
        var tasks = new ArrayList<Future<?>>();
        for (int c = 0; c < m; c++) {
            int frames = options.rbacFrames / m + (c < options.rbacFrames % m ? 1 : 0);
            int session = c;
            var random = new Random(100 + c);
            tasks.add(pool.submit(() -> {
                var connection = connect(port, closer, received, closeCodes, texts);
                var exposedId = UUID.randomUUID().toString();
                exposed.add(exposedId);
                connection.ws.sendText("{\"type\":\"invokefunction\",\"invocation_id\":\"" + exposedId
                        + "\",\"function_id\":\"" + Traffic.A + "\",\"data\":{\"exposed\":true}}");
                for (int i = 0; i < frames; i++) {
                    if (connection.ended()) {
                        connection = connect(port, closer, received, closeCodes, texts);
                        reconnects.incrementAndGet();
                    }
                    int r = random.nextInt(100);
                    String kind;
                    if (r < 55) {
                        kind = FuzzProbe.pick(random, kinds);
                        FuzzProbe.send(connection.ws, kind, random, peers);
                    } else if (r < 70) {
                        kind = "forbidden-call";
                        var id = UUID.randomUUID().toString();
                        var target = switch (random.nextInt(3)) {
                            case 0 -> AUTH_FUNCTION;
                            case 1 -> "fault::rbac-hidden-" + random.nextInt(1000);
                            default -> "fault::peer-c";
                        };
                        forbidden.add(id);
                        forbiddenSent.incrementAndGet();
                        connection.ws.sendText("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id
                                + "\",\"function_id\":\"" + target + "\",\"data\":{\"" + TOKEN_HEADER.toLowerCase(
                                Locale.ROOT) + "\":\"good\"}}");
                    } else if (r < 85) {
                        kind = "takeover";
                        var target = List.of(Traffic.A, Traffic.B, AUTH_FUNCTION).get(random.nextInt(3));
                        connection.ws.sendText(random.nextInt(4) == 0
                                ? "{\"type\":\"unregisterfunction\",\"id\":\"" + target + "\"}"
                                : "{\"type\":\"registerfunction\",\"id\":\"" + target + "\",\"description\":\"mine\"}");
                    } else {
                        kind = "registration-flood";
                        connection.ws.sendText("{\"type\":\"registerfunction\",\"id\":\"fault::rbac-flood-" + session
                                + "-" + i + "\"}");
                    }
                    sent.incrementAndGet();
                    byKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                }
                boolean pong;
                try {
                    connection.ws.sendText("{\"type\":\"ping\"}");
                    pong = connection.awaitPong(60_000);
                } catch (IOException e) {
                    pong = false;
                }
                if (pong) {
                    answered.incrementAndGet();
                } else {
                    System.out.println("    no pong on a session that is " + (connection.ended() ? "closed" : "open"));
                }
                connection.ws.close();
                return null;
            }));
        }
        for (var task : tasks) {
            task.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "    %d frames in %.1f s over %d sessions (+%d reconnects); %d frames came"
                        + " back, %d of them error frames; by kind %s; closed by the server with %s; auth asked %d"
                        + " times%n", sent.get(), seconds, m, reconnects.get(), received.get(), errors.get(),
                FuzzProbe.counts(byKind), FuzzProbe.counts(closeCodes), auth.asked.get());
        if (!forbiddenOther.isEmpty()) {
            System.out.println("    a forbidden call answered otherwise: " + Fault.head(forbiddenOther.get("answer")));
        }
        suite.row("bad frames sent on admitted sessions", sent.get() + " over " + m + " sessions in "
                + String.format(Locale.ROOT, "%.1f s", seconds), Integer.toString(options.rbacFrames),
                sent.get() == options.rbacFrames);
        suite.row("sessions answered their last ping", answered.get() + " of " + m, Integer.toString(m),
                answered.get() == m);
        suite.row("sessions' calls to exposed peer-a answered", exposedOk.get() + " of " + m, Integer.toString(m),
                exposedOk.get() == m);
        suite.row("forbidden calls answered FORBIDDEN", forbiddenAnswered.get() + " of " + forbiddenSent.get(),
                Long.toString(forbiddenSent.get()), forbiddenAnswered.get() == forbiddenSent.get());
        return sent.get();
    }

    private static FuzzProbe.FuzzConnection connect(int port, Fault.Closer closer, AtomicLong received,
                                                    Map<Integer, AtomicLong> closeCodes,
                                                    Consumer<String> texts) throws IOException, InterruptedException {
        return new FuzzProbe.FuzzConnection(closer.add(admitted(port)), received, closeCodes, texts);
    }

    /**
     * A session with a good token; retried while the engine answers 503 (more upgrades than
     * {@code iii.rbac.max-pending-auth} being authenticated at once, as the sessions all connect together).
     */
    private static RawWs admitted(int port) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return RawWs.connect(port, 0, TOKEN_HEADER + ": good\r\n");
            } catch (IOException e) {
                if (attempt >= 50 || e.getMessage() == null || !e.getMessage().contains(" 503")) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * The auth function's worker, on the trusted port: answers each call by the token in the upgrade's headers.
     */
    static final class AuthWorker implements Conn.Listener, AutoCloseable {
        private final CountDownLatch registered = new CountDownLatch(1);
        final AtomicLong asked = new AtomicLong();
        volatile String workerId;
        private WsClient client;

        static AuthWorker connect(int port) throws Exception {
            var worker = new AuthWorker();
            worker.client = WsClient.connect("127.0.0.1", port, "/", worker, "fault-rbac-auth");
            if (!worker.registered.await(15, TimeUnit.SECONDS)) {
                worker.client.abort();
                throw new IOException("auth worker: no workerregistered within 15 s");
            }
            worker.client.send("{\"type\":\"registerfunction\",\"id\":\"" + AUTH_FUNCTION + "\"}");
            return worker;
        }

        @Override
        public void onText(Conn from, String text) {
            var type = MiniJson.string(text, 0, "type");
            if ("workerregistered".equals(type)) {
                workerId = MiniJson.string(text, 0, "worker_id");
                registered.countDown();
                return;
            }
            if (!"invokefunction".equals(type)) {
                return;
            }
            long id = MiniJson.member(text, 0, "invocation_id");
            if (id < 0) {
                return;
            }
            asked.incrementAndGet();
            var header = "\"" + TOKEN_HEADER.toLowerCase(Locale.ROOT) + "\":\"";
            String answer;
            if (text.contains(header + "good\"")) {
                answer = "\"result\":{\"allowed_functions\":[]}";
            } else if (text.contains(header + "slow\"")) {
                return;
            } else if (text.contains(header + "error\"")) {
                answer = "\"result\":\"not an AuthResult\"";
            } else {
                answer = "\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"unknown token\"}";
            }
            try {
                from.send("{\"type\":\"invocationresult\",\"invocation_id\":"
                        + text.substring(MiniJson.start(id), MiniJson.end(id)) + ",\"function_id\":\"" + AUTH_FUNCTION
                        + "\"," + answer + "}");
            } catch (IOException e) {
                // the engine is gone; the suite notices
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
