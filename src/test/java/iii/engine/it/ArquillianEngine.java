package iii.engine.it;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.Properties;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The engine as Arquillian {@code @RunAsClient} tests see it: the real WAR that {@code mvn package} built, deployed
 * to the Payara Micro that {@code arquillian.xml} describes, and the addresses a worker connects to.
 *
 * <pre>{@code
 * @ExtendWith(ArquillianExtension.class)
 * @RunAsClient
 * class SomethingIT {
 *     @Deployment(testable = false)
 *     static WebArchive deployment() {
 *         return ArquillianEngine.deployment(Map.of("iii.invocation-timeout-ms", "500"));
 *     }
 *
 *     @ArquillianResource
 *     URL base;
 *
 *     @Test
 *     void something() {
 *         URI workers = ArquillianEngine.workerUri(base); // ws://127.0.0.1:PORT/
 *     }
 * }
 * }</pre>
 *
 * <p>Arquillian boots one Payara Micro per test class (10 to 30 s here), so a test class should hold every test
 * that can share one engine configuration.
 */
public final class ArquillianEngine {

    /** What {@code mvn package} builds; failsafe runs in the project directory. */
    public static final File WAR = new File("target/iii-engine.war");

    /** Where {@link #deployment(Map)} puts its configuration overrides inside the WAR. */
    static final String CONFIG_JAR = "iii-it-config.jar";

    /**
     * Ordinal of the overrides: above the WAR's own {@code microprofile-config.properties} (100), environment
     * variables (300) and system properties (400).
     */
    static final int CONFIG_ORDINAL = 500;

    private ArquillianEngine() {
    }

    /** The built WAR as it is, with its default configuration. */
    public static WebArchive deployment() {
        return deployment(Map.of());
    }

    /**
     * The built WAR, with MicroProfile Config properties that override every other source, for a test that needs,
     * say, a small {@code iii.max-frame-bytes} or a short {@code iii.invocation-timeout-ms}. They travel inside the
     * deployment ({@code WEB-INF/lib/iii-it-config.jar!/META-INF/microprofile-config.properties}), so each test
     * class gets its own and nothing leaks into the next one.
     */
    public static WebArchive deployment(Map<String, String> config) {
        if (!WAR.isFile()) {
            throw new IllegalStateException(WAR.getAbsolutePath() + " is missing: integration tests run after "
                    + "`mvn package` (use `mvn verify`)");
        }
        // ROOT.war: Payara Micro deploys it at "/" even without the context root of WEB-INF/glassfish-web.xml
        WebArchive war = ShrinkWrap.create(WebArchive.class, "ROOT.war")
                .merge(ShrinkWrap.createFromZipFile(WebArchive.class, WAR));
        if (!config.isEmpty()) {
            war.addAsLibrary(ShrinkWrap.create(JavaArchive.class, CONFIG_JAR)
                    .addAsManifestResource(new StringAsset(properties(config)), "microprofile-config.properties"));
        }
        return war;
    }

    /**
     * Where workers connect: {@code ws://127.0.0.1:PORT/}. Arquillian's URL names the host Payara announces
     * ({@code localhost}, or the machine's address when Hazelcast runs); only its port is used.
     */
    public static URI workerUri(URL base) {
        return URI.create("ws://127.0.0.1:" + base.getPort() + "/");
    }

    /** The same listener over HTTP, e.g. for {@code /health}: {@code http://127.0.0.1:PORT/}. */
    public static URI httpUri(URL base) {
        return URI.create("http://127.0.0.1:" + base.getPort() + "/");
    }

    /**
     * The second HTTP listener (HTTP triggers): {@code http://127.0.0.1:PORT/}, PORT being the {@code III_HTTP_PORT}
     * that failsafe reserved and passed to the tests and, through them, to Payara Micro.
     */
    public static URI httpTriggerUri() {
        String port = System.getenv("III_HTTP_PORT");
        if (port == null || port.isBlank()) {
            throw new IllegalStateException("III_HTTP_PORT is not set: run the integration tests with failsafe");
        }
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    private static String properties(Map<String, String> config) {
        Properties properties = new Properties();
        properties.setProperty("config_ordinal", Integer.toString(CONFIG_ORDINAL));
        properties.putAll(config);
        StringWriter out = new StringWriter();
        try {
            properties.store(out, "overrides of an integration test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
