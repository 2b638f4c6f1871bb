package iii.sdk;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The portable CDI extension: at deployment it notes every {@link IiiFunction} method of the application's managed beans
 * (one that cannot be a function fails the deployment, naming it) and adds {@link IiiBeans}, which connects to the
 * engine when the application starts ({@code iii.url} from MicroProfile Config, default {@code ws://127.0.0.1:49134/}),
 * registers them, offers {@code @Inject Iii}, and closes the connection (its functions leave the engine) when the
 * application stops.
 */
public class IiiExtension implements Extension {

    /** A bean and one of its {@link IiiFunction} methods. */
    record Found(Bean<?> bean, Method method) {
    }

    private final List<Found> found = new CopyOnWriteArrayList<>();

    void addBeans(@Observes BeforeBeanDiscovery discovery, BeanManager beans) {
        discovery.addAnnotatedType(IiiBeans.class, IiiBeans.class.getName());
    }

    <T> void find(@Observes ProcessManagedBean<T> bean) {
        for (AnnotatedMethod<? super T> m : bean.getAnnotatedBeanClass().getMethods()) {
            if (m.isAnnotationPresent(IiiFunction.class)) {
                String problem = problem(m.getJavaMember());
                if (problem == null) {
                    found.add(new Found(bean.getBean(), m.getJavaMember()));
                } else {
                    bean.addDefinitionError(new DefinitionException(problem));
                }
            }
        }
    }

    /**
     * Why {@code m} cannot be an {@link IiiFunction} (naming it), or null. A private method would run on the bean's
     * client proxy, whose injected fields are null; a method of more parameters than one has nothing to give them.
     */
    static String problem(Method m) {
        if (Modifier.isPrivate(m.getModifiers())) {
            return m + ": an @IiiFunction method must not be private (it would run on the bean's proxy, not the bean)";
        }
        if (m.getParameterCount() > 1) {
            return m + ": an @IiiFunction method takes at most one parameter, the payload";
        }
        for (IiiTrigger trigger : m.getAnnotationsByType(IiiTrigger.class)) {
            try {
                IiiBeans.config(m, trigger);
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    List<Found> functions() {
        return List.copyOf(found);
    }
}
