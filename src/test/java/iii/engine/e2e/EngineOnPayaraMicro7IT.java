package iii.engine.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * The unchanged WAR on Payara Micro 7 (copied by the build to {@code target/payara-micro-7.jar}), booted as
 * {@code bin/run} boots Payara Micro 6. Payara Micro 7 needs Java 21 or later: the tests are skipped, saying so, on a
 * machine without such a JDK (see {@link Jdks} for where one is looked for).
 */
class EngineOnPayaraMicro7IT extends PortableEngineScenarios {

    private static PayaraMicro engine;

    /** Booting takes 5 to 30 s and longer on a loaded machine, so it may take more than a test's default timeout. */
    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    static void startPayaraMicro7() throws Exception {
        Optional<Path> jdk = Jdks.atLeast(21);
        assumeTrue(jdk.isPresent(), "Payara Micro 7 needs Java 21 or later, and this machine has no such JDK "
                + "(looked at the running JVM, JAVA_HOME-style variables and the standard JVM directory)");
        engine = PayaraMicro.start("payara-micro-7", jdk.get(), EngineProcess.fromProperty("iii.e2e.payara-micro-7"),
                EngineProcess.war(), 200);
    }

    @AfterAll
    static void stopPayaraMicro7() {
        if (engine != null) {
            engine.close();
        }
    }

    @Override
    EngineProcess engine() {
        return engine;
    }
}
