/**
 * Trigger types and instances across workers (delivery to providers, parking, re-activation) and the built-in
 * discovery trigger types. Corresponds to iii's {@code engine/src/trigger.rs} and the discovery events of its engine
 * functions.
 */
package iii.engine.trigger;
