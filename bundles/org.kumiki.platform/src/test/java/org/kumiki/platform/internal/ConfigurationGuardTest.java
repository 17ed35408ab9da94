package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;

class ConfigurationGuardTest {

    static AttributeDefinition ad(String id, int type, String... options) {
        return new AttributeDefinition() {
            @Override public String getName() { return id; }
            @Override public String getID() { return id; }
            @Override public String getDescription() { return null; }
            @Override public int getCardinality() { return 0; }
            @Override public int getType() { return type; }
            @Override public String[] getOptionValues() { return options.length == 0 ? null : options; }
            @Override public String[] getOptionLabels() { return getOptionValues(); }
            @Override public String validate(String value) { return null; }
            @Override public String[] getDefaultValue() { return null; }
        };
    }

    static final AttributeDefinition[] ADS = {
        ad("memory.mib", AttributeDefinition.LONG),
        ad("enabled", AttributeDefinition.BOOLEAN),
        ad("mode", AttributeDefinition.STRING, "fast", "safe"),
        ad(".token", AttributeDefinition.PASSWORD),
        ad("ratio", AttributeDefinition.DOUBLE),
    };

    static Dictionary<String, Object> props(Object... kv) {
        Dictionary<String, Object> d = new Hashtable<>();
        for (int i = 0; i < kv.length; i += 2) d.put((String) kv[i], kv[i + 1]);
        return d;
    }

    @Test
    void aBadValueIsReplacedByTheLastGoodOne() {
        ConfigurationGuard g = new ConfigurationGuard(null, null);
        Dictionary<String, Object> good = props("memory.mib", "4096", "enabled", "true");
        g.check("p", "deploy/p.cfg", ADS, good);
        assertEquals("4096", good.get("memory.mib"));
        Dictionary<String, Object> bad = props("memory.mib", "abc", "enabled", "yes");
        g.check("p", "deploy/p.cfg", ADS, bad);
        assertEquals("4096", bad.get("memory.mib"), "last good value kept");
        assertEquals("true", bad.get("enabled"));
    }

    @Test
    void aBadValueWithNoGoodOneBeforeIsRemovedSoTheDefaultApplies() {
        ConfigurationGuard g = new ConfigurationGuard(null, null);
        Dictionary<String, Object> bad = props("memory.mib", "12x", "mode", "turbo", "ratio", "0.5", "other", "kept");
        g.check("q", "configuration q", ADS, bad);
        assertNull(bad.get("memory.mib"));
        assertNull(bad.get("mode"));
        assertEquals("0.5", bad.get("ratio"));
        assertEquals("kept", bad.get("other"), "properties without a definition pass");
    }

    @Test
    void problemsNameTheExpectedType() {
        assertEquals("is not a Long (a whole number)", ConfigurationGuard.problem(ADS[0], "abc"));
        assertEquals("is not a Long (a whole number)", ConfigurationGuard.problem(ADS[0], ""));
        assertNull(ConfigurationGuard.problem(ADS[0], " 42 "));
        assertNull(ConfigurationGuard.problem(ADS[0], 42L));
        assertEquals("is a Boolean, expected a Long (a whole number)", ConfigurationGuard.problem(ADS[0], Boolean.TRUE));
        assertEquals("is not a Boolean (true or false)", ConfigurationGuard.problem(ADS[1], "yes"));
        assertEquals("is not one of fast, safe", ConfigurationGuard.problem(ADS[2], "turbo"));
        assertEquals("is a list, expected one Long (a whole number)", ConfigurationGuard.problem(ADS[0], new String[] {"1", "2"}));
        assertNull(ConfigurationGuard.problem(ADS[3], "anything"));
    }

    @Test
    void theSourceIsTheFileFileInstallRead() {
        assertEquals("/srv/kumiki/deploy/x.cfg", ConfigurationGuard.source(props(ConfigurationGuard.FILE_PROPERTY, "file:/srv/kumiki/deploy/x.cfg"), "x"));
        assertEquals("configuration x", ConfigurationGuard.source(props(), "x"));
    }

    @Test
    void aValidValueBecomesTheNewLastGood() {
        ConfigurationGuard g = new ConfigurationGuard(null, null);
        g.check("p", "f", ADS, props("memory.mib", "1"));
        g.check("p", "f", ADS, props("memory.mib", "2"));
        Dictionary<String, Object> bad = props("memory.mib", "x");
        g.check("p", "f", ADS, bad);
        assertEquals("2", bad.get("memory.mib"));
        assertTrue(g.lastGood("p").containsKey("memory.mib"));
    }
}
