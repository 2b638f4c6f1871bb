package iii.engine.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a recording of {@code bin/bench --jfr}: where the CPU samples are (top methods by self time, and by
 * the first method of each sample that belongs to a given package, e.g. {@code iii.engine}), which classes are
 * allocated most (by sampled weight) and from where, and which threads run.
 *
 * <pre>java -cp target/test-classes iii.engine.bench.JfrTop target/bench/engine.jfr [package-prefix] [top-n] [focus]</pre>
 *
 * With {@code focus} (a method, e.g. {@code iii.engine.connection.SessionChannel.drain}), the CPU sections only
 * count samples whose stack contains that method, and the callees of it are listed.
 */
public final class JfrTop {

    private JfrTop() {
    }

    public static void main(String[] args) throws Exception {
        var file = Path.of(args[0]);
        var prefix = args.length > 1 ? args[1] : "iii.engine";
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        var focus = args.length > 3 ? args[3] : null;
        var below = new HashMap<String, Long>();
        var self = new HashMap<String, Long>();
        var firstOwn = new HashMap<String, Long>();
        var inclusive = new HashMap<String, Long>();
        var threads = new HashMap<String, Long>();
        var allocByClass = new HashMap<String, Long>();
        var allocBySite = new HashMap<String, Long>();
        var parks = new HashMap<String, Long>();
        long samples = 0;
        long allocTotal = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            var type = e.getEventType().getName();
            RecordedStackTrace stack = e.getStackTrace();
            if (type.equals("jdk.ExecutionSample") && stack != null) {
                var frames = stack.getFrames();
                if (focus != null) {
                    int at = -1;
                    for (int i = frames.size() - 1; i >= 0; i--) {
                        if (name(frames.get(i)).equals(focus)) {
                            at = i;
                            break;
                        }
                    }
                    if (at < 0) {
                        continue;
                    }
                    // the chain of callees right below the outermost focus frame, 4 deep
                    var chain = new StringBuilder();
                    for (int i = at - 1; i >= Math.max(0, at - 4); i--) {
                        chain.append(chain.length() == 0 ? "" : " > ").append(short_(frames.get(i)));
                    }
                    below.merge(chain.length() == 0 ? "(self)" : chain.toString(), 1L, Long::sum);
                }
                samples++;
                if (!frames.isEmpty()) {
                    self.merge(name(frames.get(0)), 1L, Long::sum);
                }
                var seen = new java.util.HashSet<String>();
                for (var f : frames) {
                    var n = name(f);
                    if (seen.add(n)) {
                        inclusive.merge(n, 1L, Long::sum);
                    }
                }
                firstOwn.merge(first(frames, prefix), 1L, Long::sum);
                var thread = e.getThread("sampledThread");
                threads.merge(thread == null ? "?" : thread.getJavaName().replaceAll("[0-9]+", "N"), 1L,
                        Long::sum);
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                long weight = e.getLong("weight");
                allocTotal += weight;
                allocByClass.merge(e.getClass("objectClass").getName(), weight, Long::sum);
                if (stack != null) {
                    allocBySite.merge(e.getClass("objectClass").getName() + " <- "
                            + site(stack.getFrames(), prefix), weight, Long::sum);
                }
            } else if (type.equals("jdk.ThreadPark") && stack != null) {
                parks.merge(site(stack.getFrames(), prefix), 1L, Long::sum);
            }
        }
        System.out.printf("%s: %d execution samples, %.1f MiB allocation sampled%n", file, samples,
                allocTotal / 1048576.0);
        print("CPU, self (top frame)", self, samples, top);
        print("CPU, inclusive", inclusive, samples, top * 2);
        print("CPU, by first " + prefix + " frame (or 'other')", firstOwn, samples, top);
        print("CPU, by thread", threads, samples, 10);
        if (focus != null) {
            print("below " + focus + " (4 callees deep)", below, samples, top);
        }
        print("allocation by class (sampled weight)", allocByClass, allocTotal, top);
        print("allocation by class <- first " + prefix + " frame, else top frames", allocBySite, allocTotal, top);
        print("thread parks (jdk.ThreadPark over the threshold) by site", parks,
                parks.values().stream().mapToLong(Long::longValue).sum(), 10);
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String short_(RecordedFrame f) {
        var type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    private static String first(List<RecordedFrame> frames, String prefix) {
        for (var f : frames) {
            var n = name(f);
            if (n.startsWith(prefix)) {
                return n;
            }
        }
        return "other";
    }

    private static String site(List<RecordedFrame> frames, String prefix) {
        var own = first(frames, prefix);
        if (!own.equals("other")) {
            return own;
        }
        var b = new StringBuilder();
        for (int i = 0; i < Math.min(3, frames.size()); i++) {
            b.append(i == 0 ? "" : " < ").append(name(frames.get(i)));
        }
        return b.toString();
    }

    private static void print(String title, Map<String, Long> counts, long total, int top) {
        System.out.println();
        System.out.println("-- " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * e.getValue() / total,
                        e.getKey()));
    }
}
