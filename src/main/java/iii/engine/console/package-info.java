/**
 * The live console: static pages under {@code /console} on the worker listener (the WAR's
 * {@code src/main/webapp/console}) that talk to the engine over its own protocol on the worker socket, as a
 * read-mostly worker, plus {@link iii.engine.console.ConsoleSettings}, what the page cannot learn over that socket.
 * The HTTP-trigger listener never serves it; the RBAC-gated listener serves it only with {@code iii.console.group},
 * and then admits the page's socket only with a token of that group. iii ships its console as a separate
 * application; there is no Rust counterpart in the engine.
 */
package iii.engine.console;
