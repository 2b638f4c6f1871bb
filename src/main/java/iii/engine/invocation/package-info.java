/**
 * Routing a call to whoever answers it (a worker over its socket, or a built-in), the pending calls and their
 * completion by answer, disconnect or expiry. Corresponds to iii's {@code engine/src/invocation/mod.rs}.
 */
package iii.engine.invocation;
