package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import biz.aQute.resolve.RunResolution;

/**
 * Every site is tested without being listed here: a site is a folder {@code distributions/NAME}
 * holding {@code NAME.bndrun}. Each one must be a module of {@code distributions/pom.xml} (so the
 * build exports its jar) and must resolve against the bundles the build produced. A new site,
 * such as the README's {@code chem-lab}, is picked up by copying a site folder.
 */
class SiteDiscoveryTest {

    static List<Path> sites() throws Exception {
        try (Stream<Path> s = Files.list(SiteResolutionTest.DISTRIBUTIONS)) {
            return s.filter(d -> Files.isRegularFile(d.resolve(d.getFileName() + ".bndrun"))).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void theKnownSitesAreDiscovered() throws Exception {
        List<String> names = sites().stream().map(p -> p.getFileName().toString()).collect(Collectors.toList());
        assertTrue(names.containsAll(List.of("workstation", "hpc-gpu", "robot-lab", "worker")), names.toString());
        assertFalse(names.contains("tests"), names.toString());
    }

    @TestFactory
    Stream<DynamicTest> everySiteIsBuiltAndResolves() throws Exception {
        String modules = Files.readString(SiteResolutionTest.DISTRIBUTIONS.resolve("pom.xml"));
        return sites().stream().map(site -> DynamicTest.dynamicTest(site.getFileName().toString(), () -> {
            String name = site.getFileName().toString();
            assertTrue(modules.contains("<module>" + name + "</module>"),
                    "site " + name + " is not a <module> of distributions/pom.xml, so its jar is never built");
            RunResolution r = SiteResolutionTest.resolve(site.resolve(name + ".bndrun"));
            assertTrue(r.isOK(), () -> "site " + name + " does not resolve: " + r.exception);
            assertFalse(SiteResolutionTest.bsns(r).isEmpty(), "site " + name + " resolved to no bundles");
        }));
    }
}
