package iii.sdk;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The application's connection to the engine (added by {@link IiiExtension}): made when the application starts, with
 * the {@link IiiFunction} methods registered on it (with their {@link HttpTrigger} and {@link IiiTrigger} triggers),
 * and closed when it stops.
 */
@ApplicationScoped
public class IiiBeans {

    private static final Logger LOG = Logger.getLogger(IiiBeans.class.getName());
    static final String DEFAULT_URL = "ws://127.0.0.1:49134/";

    private IiiExtension extension;
    private BeanManager beans;
    private Iii iii;

    protected IiiBeans() {
    }

    @Inject
    IiiBeans(IiiExtension extension, BeanManager beans) {
        this.extension = extension;
        this.beans = beans;
    }

    /** The connection, for {@code @Inject Iii}. */
    @Produces
    Iii iii() {
        return connection();
    }

    private synchronized Iii connection() {
        if (iii == null) {
            String url = setting("iii.url").orElse(DEFAULT_URL);
            var options = IiiOptions.builder();
            setting("iii.worker-name").ifPresent(options::workerName);
            setting("iii.token").ifPresent(options::bearerToken);
            iii = Iii.connect(URI.create(url), options.build());
        }
        return iii;
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        Iii connection = connection();
        List<String> ids = new ArrayList<>();
        for (IiiExtension.Found f : extension.functions()) {
            register(connection, f);
            ids.add(f.method().getAnnotation(IiiFunction.class).id());
        }
        LOG.info(() -> "Registered with the iii engine: " + ids);
    }

    private void register(Iii connection, IiiExtension.Found f) {
        Method m = f.method();
        IiiFunction fn = m.getAnnotation(IiiFunction.class);
        Bean<?> bean = f.bean();
        Object target = beans.getReference(bean, bean.getBeanClass(), beans.createCreationalContext(bean));
        Type in = m.getParameterCount() == 1 ? m.getGenericParameterTypes()[0] : Object.class;
        HttpTrigger http = m.getAnnotation(HttpTrigger.class);
        var options = FunctionOptions.none()
                .withResponseType(http == null ? m.getGenericReturnType() : ApiResponse.class);
        if (!fn.description().isEmpty()) {
            options = options.withDescription(fn.description());
        }
        m.setAccessible(true);
        if (http == null) {
            connection.register(fn.id(), in, payload -> call(target, m, payload), options);
        } else {
            // a route's function may answer any value: the JSON body of a 200
            connection.register(fn.id(), in, payload -> route(call(target, m, payload)), options);
            connection.registerTrigger("http", fn.id(), Map.of("api_path", http.path(), "http_method", http.method()));
        }
        for (IiiTrigger trigger : m.getAnnotationsByType(IiiTrigger.class)) {
            connection.registerTrigger(trigger.type(), fn.id(), config(m, trigger));
        }
    }

    static JsonObject config(Method m, IiiTrigger trigger) {
        try {
            return JsonMapper.parseObject(trigger.config());
        } catch (JsonException e) {
            throw new IllegalStateException(m + ": the config of @IiiTrigger(type = \"" + trigger.type()
                    + "\") is not a JSON object: " + trigger.config(), e);
        }
    }

    private static Object route(Object result) {
        return result instanceof CompletionStage<?> stage ? stage.thenApply(ApiResponse::answering)
                : ApiResponse.answering(result);
    }

    private static Object call(Object target, Method m, Object payload) {
        try {
            return m.getParameterCount() == 0 ? m.invoke(target) : m.invoke(target, payload);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new CompletionException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (iii != null) {
            iii.close();
            iii = null;
        }
    }

    /** A MicroProfile Config property when the API is there, else a system property. */
    private static Optional<String> setting(String name) {
        try {
            return ConfigProvider.getConfig().getOptionalValue(name, String.class);
        } catch (NoClassDefFoundError | IllegalStateException e) {
            return Optional.ofNullable(System.getProperty(name));
        }
    }
}
