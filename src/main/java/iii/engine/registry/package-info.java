/**
 * Workers, functions, trigger types, triggers (live and parked) and services: concurrent maps of immutable
 * values, read without locks, written with owner-aware replace and remove. No container dependencies. Corresponds to
 * iii's {@code engine/src/function.rs}, {@code trigger.rs}, {@code services.rs} and the worker registry.
 */
package iii.engine.registry;
