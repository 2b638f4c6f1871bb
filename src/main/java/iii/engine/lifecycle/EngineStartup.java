package iii.engine.lifecycle;

import iii.engine.channel.ChannelFunctions;
import iii.engine.dispatch.Dispatcher;
import iii.engine.http.HttpTriggerType;
import iii.engine.introspection.BuiltinFunctions;
import iii.engine.telemetry.Logs;
import iii.engine.trigger.DiscoveryEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

/** Puts the engine's own functions and trigger types in place when the application starts. */
@ApplicationScoped
public class EngineStartup {

    void start(@Observes @Initialized(ApplicationScoped.class) Object event, BuiltinFunctions builtins,
               DiscoveryEvents discovery, HttpTriggerType http, Logs logs, ChannelFunctions channels,
               Dispatcher dispatcher) {
        builtins.install();
        discovery.install();
        http.install();
        logs.install();
        channels.install();
        dispatcher.warmUp();
    }
}
