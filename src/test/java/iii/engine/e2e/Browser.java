package iii.engine.e2e;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real headless Chromium, the machine's own ({@value #CHROMIUM}, Debian's {@code chromium} package, which
 * {@code .ci/run} installs), driven by {@code src/test/node/browser.mjs} through {@code playwright-core} over one JSON
 * line per command. Each browser gets a new empty profile directory, removed on {@link #close()}. The page's console
 * errors and uncaught exceptions are collected ({@link #pageErrors()}).
 */
final class Browser implements AutoCloseable {

    static final String CHROMIUM = "/usr/bin/chromium";
    private static final Duration REPLY = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final BufferedWriter stdin;
    private final Map<String, CompletableFuture<JsonObject>> replies = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final List<String> pageErrors = new ArrayList<>();
    private final AtomicInteger seq = new AtomicInteger();

    static boolean available() {
        return Files.isExecutable(Paths.get(CHROMIUM));
    }

    static Browser start() {
        try {
            Path profile = Files.createTempDirectory("iii-browser-profile");
            ProcessBuilder pb = new ProcessBuilder(NodeWorker.nodeExecutable(), "browser.mjs", "--profile",
                    profile.toString(), "--chromium", CHROMIUM).directory(NodeWorker.nodeDir().toFile());
            Path logs = NodeWorker.projectDir().resolve("target").resolve("e2e-logs");
            Files.createDirectories(logs);
            pb.redirectError(logs.resolve("browser-" + profile.getFileName() + ".log").toFile());
            var browser = new Browser(pb.start(), profile);
            browser.join(browser.ready, Duration.ofSeconds(60), "browser start");
            return browser;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the browser", e);
        }
    }

    private Browser(Process process, Path profile) {
        this.process = process;
        this.profile = profile;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        Thread out = new Thread(this::readStdout, "browser-stdout");
        out.setDaemon(true);
        out.start();
    }

    /** Opens {@code url}; returns the HTTP status of its answer. */
    int goTo(String url) {
        return run("goto", "url", url) instanceof JsonNumber status ? status.intValue() : -1;
    }

    /** Waits until {@code selector} matches a visible element. */
    void waitFor(String selector, Duration timeout) {
        run(timeout, "wait", "selector", selector, "timeout_ms", timeout.toMillis());
    }

    /** Waits until nothing matches {@code selector}. */
    void waitGone(String selector, Duration timeout) {
        run(timeout, "wait", "selector", selector, "state", "detached", "timeout_ms", timeout.toMillis());
    }

    void click(String selector) {
        run("click", "selector", selector);
    }

    /** Clicks {@code selector} with its button held down for {@code hold}, as a slow hand does. */
    void press(String selector, Duration hold) {
        run(hold, "press", "selector", selector, "hold_ms", hold.toMillis());
    }

    void fill(String selector, String value) {
        run("fill", "selector", selector, "value", value);
    }

    String text(String selector) {
        return run("text", "selector", selector) instanceof JsonString text ? text.getString() : null;
    }

    /** The value of the form field {@code selector}. */
    String value(String selector) {
        return run("value", "selector", selector) instanceof JsonString text ? text.getString() : null;
    }

    /** How many elements match {@code selector} now. */
    int count(String selector) {
        return run("count", "selector", selector) instanceof JsonNumber count ? count.intValue() : -1;
    }

    /** A screenshot of the whole page, written to {@code path}. */
    void screenshot(Path path) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run("screenshot", "path", path.toAbsolutePath().toString(), "full_page", true);
    }

    synchronized List<String> pageErrors() {
        return List.copyOf(pageErrors);
    }

    private JsonValue run(String cmd, Object... keyValues) {
        return run(REPLY, cmd, keyValues);
    }

    private JsonValue run(Duration timeout, String cmd, Object... keyValues) {
        String id = "b" + seq.incrementAndGet();
        JsonObject command = JsonKit.with(JsonKit.obj(keyValues), "id", id, "cmd", cmd);
        CompletableFuture<JsonObject> reply = replies.computeIfAbsent(id, k -> new CompletableFuture<>());
        synchronized (stdin) {
            try {
                stdin.write(command.toString());
                stdin.write('\n');
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("browser stdin closed", e);
            }
        }
        JsonObject answer = join(reply, timeout.plusSeconds(10), command.toString());
        if (!answer.getBoolean("ok", false)) {
            throw new AssertionError("browser: " + command + " failed: " + JsonKit.str(answer, "error")
                    + "; page errors: " + pageErrors());
        }
        return answer.getOrDefault("value", JsonValue.NULL);
    }

    private <T> T join(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("browser: no answer to " + what + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError("browser: " + what + " failed: " + e.getCause(), e.getCause());
        }
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                JsonObject event = JsonKit.parseObject(line);
                switch (JsonKit.str(event, "event")) {
                    case "ready" -> ready.complete(null);
                    case "reply" -> replies.computeIfAbsent(JsonKit.str(event, "id"), k -> new CompletableFuture<>())
                            .complete(event);
                    case "console" -> {
                        synchronized (this) {
                            pageErrors.add(JsonKit.str(event, "text"));
                        }
                    }
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the process ended
        } finally {
            var ended = new IllegalStateException("the browser process ended");
            ready.completeExceptionally(ended);
            replies.values().forEach(f -> f.completeExceptionally(ended));
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (process.isAlive()) {
                try {
                    run(Duration.ofSeconds(10), "exit");
                } catch (AssertionError | UncheckedIOException ignored) {
                    // gone already or not answering: stopped below
                }
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
