/**
 * End-to-end compatibility tests: unchanged workers written with the published {@code iii-sdk} releases 0.2.1,
 * 0.3.0, 0.11.6 and 0.22.1 (npm, run by {@code src/test/node/agent.mjs}) and a raw-protocol Java worker talk to the
 * engine WAR deployed by Arquillian on Payara Micro, mixed together.
 *
 * <ul>
 *   <li>{@link iii.engine.e2e.NodeWorker} drives one real SDK worker process over line-delimited JSON;
 *       {@link iii.engine.e2e.JavaWorker} speaks the wire protocol itself (PROTOCOL.md §2);
 *       {@link iii.engine.e2e.Peer} puts both behind one face for cross-version matrices;
 *       {@link iii.engine.e2e.TcpProxy} cuts connections for the reconnect tests.</li>
 *   <li>The {@code *IT} classes are named for behaviour; each test makes its own functions, types and workers
 *       (unique ids) and every process and socket is closed after it ({@link iii.engine.e2e.E2eSupport}).</li>
 *   <li>Every worker's stdin/stdout/stderr is logged to {@code target/e2e-logs/<worker name>.log}.</li>
 *   <li>{@link iii.engine.e2e.PortableEngineScenarios} runs the same WAR on other servers, each started here as a
 *       process of its own ({@link iii.engine.e2e.EngineProcess}): WildFly ({@link iii.engine.e2e.EngineOnWildFlyIT})
 *       and Payara Micro 7 on a JDK 21+ found by {@link iii.engine.e2e.Jdks}
 *       ({@link iii.engine.e2e.EngineOnPayaraMicro7IT}). Their files go to {@code target/e2e-servers/}.</li>
 *   <li>{@link iii.engine.e2e.HttpRouteBenchmark} is a benchmark with a {@code main}, not a test: it measures an
 *       HTTP route's round trip beside a WebSocket call against a running engine (see its javadoc).</li>
 * </ul>
 */
package iii.engine.e2e;
