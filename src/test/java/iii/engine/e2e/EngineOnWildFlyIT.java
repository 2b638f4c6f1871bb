package iii.engine.e2e;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The unchanged WAR on WildFly, unpacked by the build into {@code target/}: {@code standalone-microprofile.xml} plus
 * {@code server-config/wildfly-http-listener.cli}, on the JDK that runs the tests.
 */
class EngineOnWildFlyIT extends PortableEngineScenarios {

    private static WildFly engine;

    @BeforeAll
    static void startWildFly() throws Exception {
        engine = WildFly.start(EngineProcess.fromProperty("iii.e2e.wildfly-home"), EngineProcess.war(),
                Duration.ofSeconds(100));
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
