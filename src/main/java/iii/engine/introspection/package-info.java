/**
 * The engine's own functions: listings of the live topology ({@code engine::functions::list},
 * {@code engine::workers::list}, DISCOVERY.md's {@code _internal.*} …), the per-function counters
 * ({@code engine::functions::stats}, NATS' service stats rather than anything of iii's) and
 * {@code engine::workers::register}.
 * Corresponds to iii's {@code engine/src/workers/engine_fn/mod.rs}.
 */
package iii.engine.introspection;
