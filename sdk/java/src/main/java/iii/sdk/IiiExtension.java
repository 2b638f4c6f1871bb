package iii.sdk;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The portable CDI extension: at deployment it notes every {@link IiiFunction} method of the application's managed beans
 * and adds {@link IiiBeans}, which connects to the engine when the application starts ({@code iii.url} from
 * MicroProfile Config, default {@code ws://127.0.0.1:49134/}), registers them, offers {@code @Inject Iii}, and closes
 * the connection (its functions leave the engine) when the application stops.
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
                found.add(new Found(bean.getBean(), m.getJavaMember()));
            }
        }
    }

    List<Found> functions() {
        return List.copyOf(found);
    }
}
