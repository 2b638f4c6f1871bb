package iii.engine.access;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RBAC listener's settings, group grants above all: dotted property names and environment-style names. */
class RbacConfigTest {

    /** Config over a map of strings: the property names a real Config lists, nothing resolved or converted. */
    private record MapConfig(Map<String, String> values) implements Config {

        @Override
        public <T> T getValue(String name, Class<T> type) {
            return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
        }

        @Override
        public ConfigValue getConfigValue(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
            if (type != String.class) {
                throw new UnsupportedOperationException(type.getName());
            }
            return Optional.ofNullable(values.get(name)).map(type::cast);
        }

        @Override
        public Iterable<String> getPropertyNames() {
            return values.keySet();
        }

        @Override
        public Iterable<ConfigSource> getConfigSources() {
            return List.of();
        }

        @Override
        public <T> Optional<Converter<T>> getConverter(Class<T> type) {
            return Optional.empty();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new IllegalArgumentException(type.getName());
        }
    }

    static RbacConfig config(String... namesAndValues) {
        var values = new LinkedHashMap<String, String>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        var config = new MapConfig(values);
        return new RbacConfig(config, 4100, Optional.empty(), 5000, 16, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void dottedNameGrantsItsGroup() {
        var config = config("iii.rbac.group.ops.allowed-functions", "orders::*, ,engine::workers::list ",
                "iii.rbac.group.team.blue.allowed-functions", "blue::*");
        assertEquals(List.of("orders::*", "engine::workers::list"), config.groupGrant("ops"));
        assertEquals(List.of("blue::*"), config.groupGrant("team.blue"));
        assertEquals(List.of(), config.groupGrant("dev"));
        assertEquals(List.of(), config.groupGrant("OPS"));
    }

    @Test
    void environmentNameGrantsTheGroupWhoseNameItSpells() {
        var config = config("III_RBAC_GROUP_OPS_ADMINS_ALLOWED_FUNCTIONS", "admin::*",
                "III_RBAC_GROUP_DEV_ALLOWED_FUNCTIONS", "dev::a,dev::b");
        assertEquals(List.of("admin::*"), config.groupGrant("ops-admins"));
        assertEquals(List.of("admin::*"), config.groupGrant("Ops.Admins"));
        assertEquals(List.of("admin::*"), config.groupGrant("OPS_ADMINS"));
        assertEquals(List.of("dev::a", "dev::b"), config.groupGrant("dev"));
        assertEquals(List.of(), config.groupGrant("ops"));
        assertEquals(List.of(), config.groupGrant("admins"));
    }

    @Test
    void dottedNameWinsOverTheEnvironmentNameOfTheSameGroup() {
        var config = config("III_RBAC_GROUP_OPS_ALLOWED_FUNCTIONS", "from::env",
                "iii.rbac.group.ops.allowed-functions", "from::dotted");
        assertEquals(List.of("from::dotted"), config.groupGrant("ops"));
        assertEquals(List.of("from::env"), config.groupGrant("Ops"));
    }

    @Test
    void namesWithoutAGroupOrOfOtherSettingsGrantNothing() {
        var grants = RbacConfig.groupGrants(new MapConfig(Map.of(
                "iii.rbac.group..allowed-functions", "a::*",
                "III_RBAC_GROUP__ALLOWED_FUNCTIONS", "b::*",
                "III_RBAC_GROUP_ALLOWED_FUNCTIONS", "c::*",
                "iii.rbac.group.ops.forbidden-functions", "d::*",
                "iii.rbac.expose-functions", "e::*")));
        assertEquals(Map.of(), grants);
    }

    @Test
    void emptyGrantGrantsNothing() {
        var config = config("iii.rbac.group.ops.allowed-functions", " , ");
        assertEquals(List.of(), config.groupGrant("ops"));
    }

    @Test
    void settingsAreReadFromTheirProperties() {
        var config = new RbacConfig(new MapConfig(Map.of()), 4100, Optional.of(" auth::check "), 750, 0,
                Optional.of("api::*, metadata:public=true"), Optional.of("mw::gate"), Optional.of("hooks::fn"),
                Optional.of(" "), Optional.empty(), Optional.of("https://a.example, https://b.example"));
        assertTrue(config.enabled());
        assertEquals(4100, config.port());
        assertEquals("auth::check", config.authFunctionId());
        assertEquals(750, config.authTimeoutMillis());
        assertEquals(1, config.maxPendingAuth());
        assertEquals(2, config.expose().size());
        assertEquals("mw::gate", config.middlewareFunctionId());
        assertEquals("hooks::fn", config.onFunctionRegistration());
        assertNull(config.onTriggerRegistration());
        assertNull(config.onTriggerTypeRegistration());
        assertTrue(config.hasHooks());
        assertEquals(List.of("https://a.example", "https://b.example"), config.allowedOrigins());
    }

    @Test
    void withoutPortThereIsNoListenerAndNothingIsSet() {
        var config = new RbacConfig(new MapConfig(Map.of()), 0, Optional.empty(), 5000, 16, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        assertFalse(config.enabled());
        assertNull(config.authFunctionId());
        assertEquals(List.of(), config.expose());
        assertNull(config.middlewareFunctionId());
        assertFalse(config.hasHooks());
        assertEquals(List.of(), config.allowedOrigins());
    }

    @Test
    void malformedExposeEntryFailsTheSettings() {
        assertThrows(IllegalArgumentException.class, () -> new RbacConfig(new MapConfig(Map.of()), 4100,
                Optional.empty(), 5000, 16, Optional.of("api::*,metadata:public"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty()));
    }
}
