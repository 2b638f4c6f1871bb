package iii.engine.http;

import iii.engine.badinput.BadInput;
import iii.engine.badinput.BadInputLog;
import iii.engine.channel.Channel;
import iii.engine.channel.ChannelFunctions;
import iii.engine.channel.ChannelItem;
import iii.engine.channel.Channels;
import iii.engine.config.EngineExecutors;
import iii.engine.connection.ContainerConnection;
import iii.engine.invocation.Call;
import iii.engine.invocation.Invoker;
import iii.engine.invocation.Outcome;
import iii.engine.protocol.RawJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves one request of the HTTP-trigger listener: finds its route (404 when none), reads its body (a
 * {@link BodyReader}: 413 over the limit, 408 past the body's deadline), calls the middleware, the route's condition
 * and then its function through the {@link Invoker} like any engine-originated call, and writes the answer. The container thread
 * is released as soon as the route is found ({@code startAsync}): no thread waits for a slow client's bytes or for the
 * function. The response is written from the call's completion, or 504 when the request timeout passes first,
 * whichever comes first.
 */
@ApplicationScoped
public class HttpTriggerServer {

    private static final Logger LOG = Logger.getLogger(HttpTriggerServer.class.getName());
    private static final CompletableFuture<Boolean> OPEN = CompletableFuture.completedFuture(true);
    private static final CompletableFuture<Boolean> CLOSED = CompletableFuture.completedFuture(false);

    /** The engine's own writer of a request's body read whole: nothing to pause, nothing to close. */
    private static final Channel.WriterEnd IGNORED_WRITER = new Channel.WriterEnd() {
        @Override
        public boolean pause() {
            return false;
        }

        @Override
        public void resume() {
        }

        @Override
        public void close(String reason) {
        }
    };

    private HttpTriggerConfig config;
    private RouteTable routes;
    private Invoker invoker;
    private EngineExecutors executors;
    private Channels channels;
    private BadInputLog badInput;
    private Semaphore inFlight;

    protected HttpTriggerServer() {
    }

    @Inject
    public HttpTriggerServer(HttpTriggerConfig config, RouteTable routes, Invoker invoker, EngineExecutors executors,
                             Channels channels, BadInputLog badInput) {
        this.config = config;
        this.channels = channels;
        this.badInput = badInput;
        this.routes = routes;
        this.invoker = invoker;
        this.executors = executors;
        this.inFlight = new Semaphore(Math.max(1, config.concurrentRequestLimit()));
    }

    /** Whether a request arrived on the HTTP-trigger listener. */
    boolean isTriggerListener(HttpServletRequest request) {
        return request.getLocalPort() == config.port();
    }

    /**
     * Serves a request of the HTTP-trigger listener. Only routes are served there: a path no route matches, the
     * container's own endpoints ({@code /health}) included, is answered 404.
     */
    void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var method = request.getMethod().toUpperCase(Locale.ROOT);
        var path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        var headers = headers(request);
        if (headers == null) {
            write(response, request, HttpMapping.error(431, "REQUEST_HEADER_FIELDS_TOO_LARGE",
                    "more than " + config.maxHeaders() + " request headers"));
            return;
        }
        RouteTable.Match match;
        try {
            match = routes.find(method, path);
            if (match == null && method.equals("HEAD")) {
                match = routes.find("GET", path);
            }
        } catch (IllegalArgumentException e) {
            write(response, request, HttpMapping.error(400, "BAD_REQUEST", e.getMessage()));
            return;
        }
        if (match == null) {
            if (method.equals("OPTIONS") && request.getHeader("Access-Control-Request-Method") != null) {
                preflight(request, response);
                return;
            }
            write(response, request, HttpMapping.notFound());
            return;
        }
        var length = request.getContentLengthLong();
        if (length > drainLimit()) {
            write(response, request, tooLarge()); // not read at all: the connection is closed after the answer
            return;
        }
        var contentType = request.getContentType();
        var exchange = new Exchange(request, response, request.startAsync(), method.equals("HEAD"));
        // no container timeout: the body's deadline and the call's apply, and a streamed response lasts as long as
        // its channel does
        exchange.async.setTimeout(0);
        exchange.async.addListener(exchange);
        var found = match;
        if (!HttpMapping.isJson(contentType)) {
            received(exchange, found, method, headers, null, null); // the body streams into request_body
            return;
        }
        BodyReader.read(request.getInputStream(), config.maxBodyBytes(), drainLimit(), true,
                config.bodyTimeoutMillis(), executors.scheduler(), new BodyReader.Sink() {
                    @Override
                    public void body(byte[] bytes) {
                        exchange.bodyRead = true;
                        received(exchange, found, method, headers, HttpMapping.body(contentType, bytes), bytes);
                    }

                    @Override
                    public void failed(BodyReader.Failure failure) {
                        refused(exchange, failure);
                    }
                });
    }

    /**
     * A JSON body has arrived whole ({@code raw} its bytes), or another body is about to be streamed ({@code raw}
     * null): admission (503 past the limit), the request's two channels, then the calls. The function reads the raw
     * body from {@code request_body} (a JSON body as one piece, as iii 0.22 does) and may answer through
     * {@code response}; the condition gets the request without the two references, as in iii.
     */
    private void received(Exchange exchange, RouteTable.Match match, String method, Map<String, String> headers,
                          JsonValue body, byte[] raw) {
        if (!exchange.admit()) {
            exchange.finish(HttpMapping.error(503, "SERVICE_UNAVAILABLE",
                    "more than " + config.concurrentRequestLimit() + " requests in progress"));
            return;
        }
        var requestBody = channels.create(Channels.DEFAULT_BUFFER, null);
        var answer = channels.create(Channels.DEFAULT_BUFFER, null);
        exchange.onEnd(() -> {
            requestBody.discard("HTTP request ended");
            answer.discard("HTTP request ended");
        });
        answer.takeReader(new ResponseStream(answer, exchange, text -> badInput.report(LOG, null,
                BadInput.RESPONSE_CONTROL, () -> "HTTP route " + match.route() + ": the function's response channel"
                        + " sent a text frame that is not a control message; ignored: " + text)));
        if (raw == null && !hasBody(exchange.request)) {
            raw = new byte[0]; // nothing to read: the stream ends at once
        }
        if (raw != null) {
            requestBody.takeWriter(IGNORED_WRITER);
            if (raw.length > 0) {
                requestBody.offer(ChannelItem.binary(ByteBuffer.wrap(raw)));
            }
            requestBody.writerEnded(true, null);
        } else {
            streamBody(exchange, requestBody);
        }
        var query = exchange.request.getQueryString();
        var condition = HttpMapping.requestData(match.route(), match.pathParams(), query, headers, method, body,
                null, null);
        var data = HttpMapping.requestData(match.route(), match.pathParams(), query, headers, method, body,
                ChannelFunctions.reference(requestBody, "read"), ChannelFunctions.reference(answer, "write"));
        var middlewareInput = config.middleware().isEmpty() && match.route().middlewareFunctionIds().isEmpty() ? null
                : HttpMapping.middlewareInput(match.pathParams(), query, headers, method);
        run(match.route(), condition, data, middlewareInput, exchange);
    }

    /**
     * Whether a request may have a body to read: a length above zero, or no length with one sent in chunks (HTTP/1.1)
     * or in frames (HTTP/2, where a body needs no header).
     */
    private static boolean hasBody(HttpServletRequest request) {
        var length = request.getContentLengthLong();
        return length > 0 || length < 0 && (request.getHeader("Transfer-Encoding") != null
                || request.getProtocol().startsWith("HTTP/2"));
    }

    /**
     * Streams the request's body into its {@code request_body} channel as it arrives: the channel's backpressure
     * pauses the reading, the limit applies as bytes pass (413, the function's stream ending broken), and the reading
     * stops when the request ends or the function closes its reader.
     */
    private void streamBody(Exchange exchange, Channel channel) {
        ServletInputStream in;
        try {
            in = exchange.request.getInputStream();
        } catch (IOException e) {
            channel.writerEnded(false, "request body unreadable");
            exchange.abandon();
            return;
        }
        var reader = BodyReader.pieces(in, config.maxBodyBytes(), drainLimit(), new BodyReader.Pieces() {
            @Override
            public void piece(ByteBuffer bytes) {
                channel.offer(ChannelItem.binary(bytes));
            }

            @Override
            public void end() {
                exchange.bodyRead = true;
                channel.writerEnded(true, null);
            }

            @Override
            public void failed(BodyReader.Failure failure) {
                channel.writerEnded(false, "request body " + failure.name().toLowerCase(Locale.ROOT));
                refused(exchange, failure);
            }
        });
        channel.takeWriter(new Channel.WriterEnd() {
            @Override
            public boolean pause() {
                reader.pause();
                return true;
            }

            @Override
            public void resume() {
                reader.resume(executors.executor());
            }

            @Override
            public void close(String reason) {
                reader.cancel();
            }
        });
        exchange.onEnd(reader::cancel);
        reader.start(config.bodyTimeoutMillis(), executors.scheduler(), true);
    }

    /** The body did not arrive whole: 413, 408 (both closing the connection), or nothing for a client gone. */
    private void refused(Exchange exchange, BodyReader.Failure failure) {
        switch (failure) {
            case TOO_LARGE -> exchange.finish(tooLarge());
            case TIMED_OUT -> exchange.finish(closing(HttpMapping.error(408, "REQUEST_TIMEOUT",
                    "request body not received within " + config.bodyTimeoutMillis() + " ms")));
            case ABORTED -> exchange.abandon();
        }
    }

    /**
     * How much of a body over the limit is still read (and dropped) before the 413: an HTTP/2 client (Payara's
     * listeners accept h2c) waits for flow-control credit to finish sending before it reads the answer, and Grizzly
     * does not reset the stream. A body declared larger is not read at all.
     */
    private long drainLimit() {
        return Math.max(config.maxBodyBytes() * 4, 1 << 20);
    }

    /**
     * The request's calls, one after another, each started from the previous one's completion (no thread waits for
     * a function): the global middleware ({@code iii.http.middleware}), the route's condition, the route's middleware
     * in order, then its function. A middleware that answers with a response, a condition that answers {@code false}
     * and any failure end the request there; nothing further is called once it has ended (e.g. at the timeout).
     */
    private void run(Route route, RawJson conditionData, RawJson data, RawJson middlewareInput, Exchange exchange) {
        var timer = executors.scheduler().schedule(() -> exchange.finish(HttpMapping.timedOut()),
                config.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
        exchange.onDone(() -> timer.cancel(false));
        var answer = middleware(config.middleware(), 0, middlewareInput, route, exchange)
                .thenCompose(open -> open ? condition(route, conditionData, exchange) : CLOSED)
                .thenCompose(open -> open ? middleware(route.middlewareFunctionIds(), 0, middlewareInput, route,
                        exchange) : CLOSED)
                .thenCompose(open -> open && !exchange.isDone()
                        ? call(route.functionId(), data, route.metadata(), exchange)
                        : CompletableFuture.<Outcome>completedFuture(null));
        answer.whenCompleteAsync((outcome, failure) -> {
            if (failure != null) {
                var errorId = HttpMapping.errorId();
                LOG.log(Level.WARNING, "HTTP route " + route + " failed (error_id " + errorId + ")", failure);
                exchange.finish(HttpMapping.functionFailed(null, errorId));
            } else if (outcome != null && outcome.isError()) {
                var errorId = HttpMapping.errorId();
                LOG.fine(() -> "HTTP route " + route + " answered 500 (error_id " + errorId + "): " + outcome.error());
                exchange.finish(HttpMapping.functionFailed(outcome.error(), errorId));
            } else if (outcome != null && !isNull(outcome.result())) {
                HttpMapping.Response mapped;
                try {
                    mapped = HttpMapping.response(outcome.result());
                } catch (RuntimeException e) {
                    mapped = HttpMapping.error(500, "invalid_response", "the function's answer is not a response");
                }
                exchange.finish(mapped);
            }
            // no answer: the response channel answers (and the timeout, if it never does)
        }, executors.executor());
    }

    private static boolean isNull(RawJson result) {
        return result == null || result.isNull();
    }

    /**
     * Calls {@code ids[next..]} one after another with the middleware input; completes true when every one let the
     * request go on, false when one ended it (its response, or 500 for its failure, already sent).
     */
    private CompletableFuture<Boolean> middleware(List<String> ids, int next, RawJson input, Route route,
                                                  Exchange exchange) {
        if (exchange.isDone()) {
            return CLOSED;
        }
        if (next == ids.size()) {
            return OPEN;
        }
        var functionId = ids.get(next);
        return call(functionId, input, null, exchange).thenComposeAsync(outcome -> {
            if (outcome.isError()) {
                var errorId = HttpMapping.errorId();
                LOG.fine(() -> "HTTP route " + route + ": middleware " + functionId + " failed (error_id " + errorId
                        + "): " + outcome.error());
                exchange.finish(HttpMapping.functionFailed(outcome.error(), errorId));
                return CLOSED;
            }
            var response = HttpMapping.middlewareResponse(outcome.result());
            if (response != null) {
                exchange.finish(response);
                return CLOSED;
            }
            return middleware(ids, next + 1, input, route, exchange);
        }, executors.executor());
    }

    /**
     * The route's condition, if it has one: completes true when the request may go on, false when it has ended
     * (422 for a literal {@code false}, 500 for a failure, already sent).
     */
    private CompletableFuture<Boolean> condition(Route route, RawJson data, Exchange exchange) {
        if (route.conditionFunctionId() == null) {
            return OPEN;
        }
        if (exchange.isDone()) {
            return CLOSED;
        }
        return call(route.conditionFunctionId(), data, route.metadata(), exchange).thenApplyAsync(condition -> {
            if (condition.isError()) {
                var errorId = HttpMapping.errorId();
                LOG.fine(() -> "HTTP route " + route + ": condition failed (error_id " + errorId + "): "
                        + condition.error());
                exchange.finish(HttpMapping.functionFailed(condition.error(), errorId));
                return false;
            }
            if (condition.result() != null && condition.result().text().equals("false")) {
                exchange.finish(HttpMapping.conditionNotMet());
                return false;
            }
            return true;
        }, executors.executor());
    }

    /** An engine-originated call that continues the request's trace ({@code traceparent}, {@code baggage}). */
    private CompletableFuture<Outcome> call(String functionId, RawJson data, RawJson metadata, Exchange exchange) {
        return invoker.invoke(new Call(UUID.randomUUID(), functionId, data,
                exchange.request.getHeader("traceparent"), exchange.request.getHeader("baggage"), metadata,
                null, false));
    }

    /** Request headers with lower-case names (of repeated ones the first), or null when there are too many. */
    private Map<String, String> headers(HttpServletRequest request) {
        var headers = new LinkedHashMap<String, String>();
        int count = 0;
        for (var name : Collections.list(request.getHeaderNames())) {
            for (var value : Collections.list(request.getHeaders(name))) {
                if (++count > config.maxHeaders()) {
                    return null;
                }
                headers.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
            }
        }
        return headers;
    }

    /** 413, closing the connection: the rest of the body is not read, so the connection cannot carry another request. */
    private HttpMapping.Response tooLarge() {
        return closing(HttpMapping.error(413, "PAYLOAD_TOO_LARGE", "request body over " + config.maxBodyBytes()
                + " bytes"));
    }

    /** The response with {@code Connection: close}: the container closes an HTTP/1.1 connection after it. */
    private static HttpMapping.Response closing(HttpMapping.Response response) {
        var headers = new ArrayList<>(response.headers());
        headers.add(Map.entry("Connection", "close"));
        return new HttpMapping.Response(response.status(), headers, response.body());
    }

    private void preflight(HttpServletRequest request, HttpServletResponse response) {
        var origin = request.getHeader("Origin");
        response.setStatus(204);
        if (origin != null && config.originAllowed(origin)) {
            cors(request, response);
            var methods = config.corsAllowedMethods();
            response.setHeader("Access-Control-Allow-Methods", methods.isEmpty()
                    ? request.getHeader("Access-Control-Request-Method") : String.join(", ", methods));
            var requested = request.getHeader("Access-Control-Request-Headers");
            if (requested != null) {
                response.setHeader("Access-Control-Allow-Headers", requested);
            }
            response.setHeader("Access-Control-Max-Age", "3600");
        }
    }

    private void cors(HttpServletRequest request, HttpServletResponse response) {
        var origin = request.getHeader("Origin");
        if (origin != null && config.originAllowed(origin)) {
            response.setHeader("Access-Control-Allow-Origin", config.anyOrigin() ? "*" : origin);
            response.addHeader("Vary", "Origin");
        }
    }

    private void write(HttpServletResponse response, HttpServletRequest request, HttpMapping.Response mapped)
            throws IOException {
        write(response, request, mapped, false);
    }

    private void write(HttpServletResponse response, HttpServletRequest request, HttpMapping.Response mapped,
                       boolean head) throws IOException {
        response.setStatus(mapped.status());
        cors(request, response);
        for (var header : mapped.headers()) {
            if (header.getKey().equalsIgnoreCase("content-type")) {
                response.setContentType(header.getValue());
            } else {
                response.addHeader(header.getKey(), header.getValue());
            }
        }
        response.setContentLength(mapped.body().length);
        if (!head && mapped.body().length > 0) {
            response.getOutputStream().write(mapped.body());
        }
    }

    /**
     * One request in progress: answered exactly once, by the call, the timer, the container or its response
     * channel's stream (which then owns the response until the channel ends). What it holds (its channels, its body's
     * reading) is let go once, when the response is complete or the client has gone.
     */
    private final class Exchange implements AsyncListener, ResponseStream.Exchange {

        final HttpServletRequest request;
        final HttpServletResponse response;
        final AsyncContext async;
        final boolean head;
        final AtomicBoolean done = new AtomicBoolean();
        /** Whether this request holds one of {@code inFlight}'s permits (between its body and its answer). */
        private final AtomicBoolean admitted = new AtomicBoolean();
        private final AtomicBoolean ended = new AtomicBoolean();
        private final List<Runnable> onEnd = new CopyOnWriteArrayList<>();
        private volatile Runnable onDone = () -> { };
        /** Whether the request's body has been read to its end (or it has none). */
        volatile boolean bodyRead;

        Exchange(HttpServletRequest request, HttpServletResponse response, AsyncContext async, boolean head) {
            this.request = request;
            this.response = response;
            this.async = async;
            this.head = head;
            bodyRead = !hasBody(request);
        }

        void onDone(Runnable action) {
            onDone = action;
            if (done.get()) {
                action.run();
            }
        }

        /** What runs once when the request has ended (answered and complete, or its client gone). */
        void onEnd(Runnable action) {
            onEnd.add(action);
            if (ended.get()) {
                action.run();
            }
        }

        boolean isDone() {
            return done.get();
        }

        /** Takes a permit for the call; false when none is left or the request has ended meanwhile. */
        boolean admit() {
            if (!inFlight.tryAcquire()) {
                return false;
            }
            admitted.set(true);
            if (done.get()) {
                leave();
                return false;
            }
            return true;
        }

        private void leave() {
            if (admitted.compareAndSet(true, false)) {
                inFlight.release();
            }
        }

        @Override
        public void finish(HttpMapping.Response mapped) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            leave();
            onDone.run();
            try {
                write(response, request, mapped, head);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "HTTP response could not be written (client gone?)", e);
            } finally {
                complete();
            }
        }

        @Override
        public boolean claim() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            leave();
            onDone.run();
            return true;
        }

        @Override
        public ServletOutputStream commit(int status, List<Map.Entry<String, String>> headers) throws IOException {
            response.setStatus(status);
            cors(request, response);
            var kept = new ArrayList<Map.Entry<String, String>>();
            headers.forEach(h -> HttpMapping.addHeader(kept, h.getKey(), h.getValue()));
            for (var header : kept) {
                if (header.getKey().equalsIgnoreCase("content-type")) {
                    response.setContentType(header.getValue());
                } else {
                    response.addHeader(header.getKey(), header.getValue());
                }
            }
            return head ? null : response.getOutputStream();
        }

        @Override
        public void close(boolean clean) {
            if (!clean) {
                LOG.fine(() -> "HTTP streaming response of " + request.getRequestURI() + " ended early");
                // cut, so that the client cannot take what came for the whole body; where the connection cannot be
                // reached (not Payara), the response ends as if complete
                var cut = ContainerConnection.terminator(request);
                if (cut != null) {
                    cut.run();
                }
            }
            complete();
        }

        private void complete() {
            if (!bodyRead && request.getProtocol().startsWith("HTTP/1")) {
                ContainerConnection.dropRestOfBody(request);
            }
            try {
                async.complete();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "HTTP request already completed", e);
            }
            end();
        }

        private void end() {
            if (ended.compareAndSet(false, true)) {
                onEnd.forEach(Runnable::run);
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            finish(HttpMapping.timedOut());
            end();
        }

        /** Ends a request whose client has gone: nothing is written. */
        void abandon() {
            if (done.compareAndSet(false, true)) {
                leave();
                onDone.run();
                complete();
            }
        }

        @Override
        public void onError(AsyncEvent event) {
            if (done.compareAndSet(false, true)) {
                leave();
                onDone.run();
            }
            end();
        }

        @Override
        public void onComplete(AsyncEvent event) {
            end();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
