package iii.engine.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JDKs of this machine, for a server that needs a newer Java than the one running the tests: the running one,
 * those named by {@code JAVA_HOME}-style environment variables ({@code JAVA_HOME}, {@code JAVA_21_HOME},
 * {@code JAVA_HOME_21_X64}, {@code JDK_HOME}, …), and those installed in the standard JVM directory. A JDK's version
 * is the {@code JAVA_VERSION} of its {@code release} file.
 */
final class Jdks {

    /** Where Linux distributions install JDKs. */
    private static final Path JVM_DIRECTORY = Path.of("/usr/lib/jvm");
    private static final Pattern HOME_VARIABLE = Pattern.compile("(JAVA|JDK)\\w*_HOME\\w*");
    private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"(1\\.)?(\\d+)", Pattern.MULTILINE);

    private Jdks() {
    }

    /** The home of a JDK of at least {@code major}, the running one first, else the oldest that is new enough. */
    static Optional<Path> atLeast(int major) {
        return candidates().stream().distinct()
                .filter(home -> Files.isExecutable(home.resolve("bin").resolve("java")))
                .filter(home -> version(home) >= major)
                .min(Comparator.comparing((Path home) -> !home.equals(running())).thenComparing(Jdks::version));
    }

    private static Path running() {
        return Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
    }

    private static List<Path> candidates() {
        var homes = new ArrayList<Path>();
        homes.add(running());
        System.getenv().forEach((name, value) -> {
            if (HOME_VARIABLE.matcher(name).matches() && !value.isBlank()) {
                homes.add(Path.of(value).toAbsolutePath().normalize());
            }
        });
        if (Files.isDirectory(JVM_DIRECTORY)) {
            try (Stream<Path> dirs = Files.list(JVM_DIRECTORY)) {
                dirs.map(p -> p.toAbsolutePath().normalize()).sorted().forEach(homes::add);
            } catch (IOException ignored) {
                // no JDKs there then
            }
        }
        return homes;
    }

    /** The major version in {@code home/release}; 0 when there is none. */
    static int version(Path home) {
        try {
            Matcher m = VERSION.matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(2)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
