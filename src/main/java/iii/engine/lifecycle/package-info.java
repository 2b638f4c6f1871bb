/**
 * What happens when the engine starts and when a worker leaves: the owner-aware, exactly-once cleanup. Corresponds
 * to iii's {@code cleanup_worker}.
 */
package iii.engine.lifecycle;
