/**
 * The Java worker SDK of the iii engine: {@link iii.sdk.Iii} connects a worker over the JDK's WebSocket client,
 * registers functions, trigger types, triggers and services, and calls functions of any worker, with payloads bound
 * by JSON-B. {@link iii.sdk.IiiExtension} makes {@link iii.sdk.IiiFunction} methods of CDI beans functions of the
 * engine in a Jakarta EE application. The wire protocol is iii's (as {@code iii-sdk} 0.22.1 speaks it:
 * {@code sdk/packages/node/iii/src/iii.ts}).
 */
package iii.sdk;
