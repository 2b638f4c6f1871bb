/**
 * The built-in {@code http} trigger type (PROTOCOL.md §6, Part A 9): trigger instances become routes
 * ({@link iii.engine.http.HttpTriggerType}, {@link iii.engine.http.RouteTable}), served only on the HTTP-trigger
 * listener ({@code iii.http.port}, 3111 by default) by an asynchronous filter
 * ({@link iii.engine.http.HttpTriggerFilter}, {@link iii.engine.http.HttpTriggerServer}; bodies are read without
 * holding a thread by {@link iii.engine.http.BodyReader}) that runs the middleware (global and per route, §6.7) and
 * maps a request to the bound function's {@code data} and its answer back to a response
 * ({@link iii.engine.http.HttpMapping}), with E22's error envelopes. Only routes are served there, {@code /health}
 * included; MicroProfile Health stays on the worker listener. Corresponds to iii's {@code engine/src/workers/rest_api/} ({@code api_core.rs}, {@code views.rs},
 * {@code types.rs}, {@code config.rs}). Streaming through channels (§6.5's streaming part, §7) is not done yet.
 */
package iii.engine.http;
