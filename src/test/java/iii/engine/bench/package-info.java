/**
 * The benchmark of issue 5, run by {@code bin/bench} (never by {@code mvn verify}: no class here is a test). It
 * starts the real engine and a WebSocket echo floor, each on its own Payara Micro, and drives both with one client:
 * routed calls against the floor, the control plane, and heap per idle worker. See {@link iii.engine.bench.Bench}.
 * {@link iii.engine.bench.Server}, {@link iii.engine.bench.WsClient} and {@link iii.engine.bench.MiniJson} are also
 * the fault suite's ({@code iii.engine.fault}); {@link iii.engine.bench.Server} also starts Payara Micro 7 for the
 * end-to-end tests.
 */
package iii.engine.bench;
