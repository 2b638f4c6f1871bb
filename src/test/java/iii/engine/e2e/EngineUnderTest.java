package iii.engine.e2e;

import java.net.URI;
import java.net.URL;
import java.util.Map;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The one place where the end-to-end tests meet Arquillian: the deployment (the engine's WAR at the root context,
 * from {@code iii.engine.it.ArquillianEngine}) and the worker URL derived from the URL Arquillian injects.
 */
final class EngineUnderTest {

    private EngineUnderTest() {
    }

    static WebArchive deployment() {
        return iii.engine.it.ArquillianEngine.deployment();
    }

    /** The WAR with MicroProfile Config overrides for this test class only. */
    static WebArchive deployment(Map<String, String> config) {
        return iii.engine.it.ArquillianEngine.deployment(config);
    }

    /** {@code ws://127.0.0.1:<port>/}: only the port of the injected URL is used; the tests keep to loopback. */
    static URI workerUrl(URL base) {
        return iii.engine.it.ArquillianEngine.workerUri(base);
    }
}
