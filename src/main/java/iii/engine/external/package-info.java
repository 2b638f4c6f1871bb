/**
 * External (HTTP-invoked) functions: a worker's {@code registerfunction} with {@code invocation {url, method,
 * timeout_ms, headers, auth}} makes a function the engine answers by calling that URL (PROTOCOL.md §8, Part A 10).
 * URL validation ({@link iii.engine.external.UrlValidator}, on by default), auth from engine environment variables
 * ({@link iii.engine.external.Auth}), the call and its response mapping
 * ({@link iii.engine.external.ExternalFunctions}), and their settings ({@link iii.engine.external.HttpFunctionsConfig}).
 * Corresponds to iii's {@code engine/src/invocation/http_invoker.rs}, {@code url_validator.rs}, {@code auth.rs},
 * {@code signature.rs} and the {@code http_functions} module.
 */
package iii.engine.external;
