package iii.engine.e2e;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * The unchanged WAR on WildFly, unpacked by the build into {@code target/}: {@code standalone-microprofile.xml} plus
 * {@code server-config/wildfly-http-listener.cli}, on the JDK that runs the tests.
 */
class EngineOnWildFlyIT extends PortableEngineScenarios {

    private static WildFly engine;

    /** Booting takes 5 to 30 s and longer on a loaded machine, so it may take more than a test's default timeout. */
    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    static void startWildFly() throws Exception {
        engine = WildFly.start(EngineProcess.fromProperty("iii.e2e.wildfly-home"), EngineProcess.war(),
                Duration.ofSeconds(200));
    }

    @AfterAll
    static void stopWildFly() {
        if (engine != null) {
            engine.close();
        }
    }

    @Override
    EngineProcess engine() {
        return engine;
    }
}
