package iii.engine.connection;

import iii.engine.health.EngineRunState;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.server.ServerContainer;

import java.lang.reflect.Field;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives this application's Tyrus WebSocket container a plain scheduler in place of the server's managed one.
 *
 * <p>Tyrus reschedules a session's idle timeout on every frame it receives and sends, even when there is no idle
 * timeout: it schedules a check due at once. On Payara every submission to the managed scheduled executor captures
 * thread context, and that capture looks up context providers on the application's class path each time; measured,
 * it is most of the CPU a routed call costs. The engine keeps idle timeouts off (the heartbeat finds dead peers), so
 * here a task due now runs on the calling thread (for an idle-timeout check without a timeout that is a no-op) and a
 * later one on a single daemon thread, with the class loader of the thread that scheduled it.
 *
 * <p>Only a Tyrus container is changed (Payara, GlassFish); any other container (WildFly's Undertow) is left alone.
 * Which of the two happened shows in {@code /health/started} ({@code websocket-scheduler}).
 */
@WebListener
public class TyrusScheduler implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(TyrusScheduler.class.getName());
    private static final String CONTAINER = "org.glassfish.tyrus.core.BaseContainer";
    private static final String FIELD = "managedScheduledExecutorService";
    /** Logged once the scheduler is in place; {@code bin/bench} looks for it in both servers' logs. */
    static final String INSTALLED = "The WebSocket container runs its per-frame tasks on a plain scheduler";

    @Inject
    EngineRunState state;

    private Scheduler scheduler;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        if (install(event.getServletContext().getAttribute(ServerContainer.class.getName()))) {
            state.webSocketScheduler("plain");
        }
    }

    /** Gives {@code container} the plain scheduler if it is Tyrus'; tells whether it did. */
    boolean install(Object container) {
        var field = schedulerField(container);
        if (field == null) {
            LOG.fine("The WebSocket container is not Tyrus; its scheduler is left as it is");
            return false;
        }
        scheduler = new Scheduler();
        try {
            field.set(container, scheduler);
            LOG.info(INSTALLED);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not give the WebSocket container a plain scheduler; every frame will"
                    + " schedule an idle-timeout task on the server's managed executor", e);
            scheduler.shutdownNow();
            scheduler = null;
            return false;
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private static Field schedulerField(Object container) {
        for (var type = container == null ? null : container.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(CONTAINER)) {
                try {
                    var field = type.getDeclaredField(FIELD);
                    field.setAccessible(true);
                    return field;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(Level.FINE, "Tyrus' container has no " + FIELD + " field to set", e);
                    return null;
                }
            }
        }
        return null;
    }

    /** Due-now tasks on the caller's thread, later ones on one daemon thread; cancelled tasks leave the queue. */
    static final class Scheduler extends ScheduledThreadPoolExecutor {

        Scheduler() {
            super(1, task -> {
                var thread = new Thread(task, "iii-websocket-scheduler");
                thread.setDaemon(true);
                return thread;
            });
            setRemoveOnCancelPolicy(true);
        }

        /** Tyrus' idle-timeout check, on every frame. */
        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            if (delay > 0) {
                var loader = Thread.currentThread().getContextClassLoader();
                return super.schedule(() -> runWith(loader, command), delay, unit);
            }
            try {
                command.run();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "A WebSocket container task failed", e);
            }
            return RAN;
        }

        /** Tyrus' other use: the heartbeat of a session that asks for one. */
        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
                                                      TimeUnit unit) {
            var loader = Thread.currentThread().getContextClassLoader();
            return super.scheduleAtFixedRate(() -> runWith(loader, command), initialDelay, period, unit);
        }

        private static void runWith(ClassLoader loader, Runnable command) {
            var thread = Thread.currentThread();
            var previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                command.run();
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }

    /** The future of a task that already ran. */
    private static final ScheduledFuture<Object> RAN = new Ran();

    private static final class Ran implements ScheduledFuture<Object> {

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
