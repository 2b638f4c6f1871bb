/**
 * Several engines as one: each engine's registrations (workers and functions) replicated to the others through
 * Payara's embedded Hazelcast, calls to a worker on another engine forwarded there, and the state of an engine that
 * leaves removed by the others. Only {@link iii.engine.cluster.HazelcastGrid} names Hazelcast, and it is loaded only
 * when a cluster is configured and Hazelcast is there: elsewhere (WildFly) the engine runs as one node.
 */
package iii.engine.cluster;
