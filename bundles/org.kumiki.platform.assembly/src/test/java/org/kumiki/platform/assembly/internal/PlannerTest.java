package org.kumiki.platform.assembly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.felix.resolver.Logger;
import org.apache.felix.resolver.ResolverImpl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.repotest.TestRepo;
import org.osgi.framework.Version;
import org.osgi.resource.Capability;
import org.osgi.resource.Resource;
import org.osgi.resource.Wiring;

/** Plan computation with Felix's real resolver over a repository written by {@link TestRepo}. */
class PlannerTest {

    @TempDir
    Path tmp;

    private List<Index.Res> repo;
    private final Planner planner = new Planner(new ResolverImpl(new Logger(Logger.LOG_ERROR), 1));

    @BeforeEach
    void givenRepository() throws Exception {
        TestRepo r = new TestRepo(tmp.resolve("repo"));
        r.bundle("test.api", "1.0.0", List.of("test.api"), List.of(), null);
        r.bundle("test.impl", "1.0.0", List.of(), List.of("test.api;version=\"[1.0,2)\""), null);
        r.bundle("test.pinned", "1.0.0", List.of("test.pinned"), List.of(), null);
        r.bundle("test.pinned", "1.1.0", List.of("test.pinned"), List.of(), null);
        r.bundle("test.cuda", "1.0.0", List.of(), List.of("test.api"), "(gpu.vendor=nvidia)");
        r.bundle("test.remote", "1.0.0", List.of(), List.of("test.api"), null);
        r.feature("duo", "1.0.0", "two test bundles", List.of("test.impl"), null);
        r.feature("inference-cuda", "1.0.0", "CUDA", List.of("test.cuda"), "(gpu.vendor=nvidia)");
        r.feature("inference-gpu", "1.0.0", "GPU on x86", List.of("test.cuda"), "(&(arch=x86_64)(gpu.vendor=nvidia))");
        r.feature("inference-gpu", "1.0.0", "GPU on Arm", List.of("test.remote"), "(arch=aarch64)");
        r.feature("cuda-deep", "1.0.0", "needs CUDA through its member only", List.of("test.cuda"), null);
        Path index = r.write();
        repo = new ArrayList<>();
        for (Path p : List.of(index, index.resolveSibling("features.xml"))) {
            try (InputStream in = Files.newInputStream(p)) {
                repo.addAll(Index.parse(in, p.toUri(), "test").resources);
            }
        }
    }

    private static Planner.Site site(String arch, String vendor) {
        Index.Res system = new Index.Res();
        system.name = "system.bundle";
        system.version = Version.emptyVersion;
        system.type = "osgi.bundle";
        Map<String, Object> hw = new HashMap<>();
        hw.put("arch", arch);
        hw.put("gpu.vendor", vendor);
        hw.put("gpu.count", vendor.equals("none") ? 0L : 4L);
        system.caps.add(new Index.Cap(system, "kumiki.hardware", hw, Map.of()));
        return new Planner.Site() {
            @Override public List<Resource> installed() { return List.of(system); }
            @Override public Map<Resource, Wiring> wirings() { return Map.of(); }
            @Override public List<Capability> hardware() { return system.getCapabilities("kumiki.hardware"); }
        };
    }

    private List<String> plan(Planner.Site site, String... requests) {
        List<Planner.Request> rq = new ArrayList<>();
        for (String s : requests) rq.add(Planner.parse(s));
        return planner.plan(rq, repo, site).install.stream().map(r -> r.name() + " " + r.version()).collect(Collectors.toList());
    }

    @Test
    void featureBringsItsMembersAndTheirDependencies() {
        assertEquals(List.of("test.api 1.0.0", "test.impl 1.0.0"), plan(site("x86_64", "none"), "duo"));
    }

    @Test
    void pinnedRangeGetsThePinnedVersionOtherwiseTheHighest() {
        assertEquals(List.of("test.pinned 1.0.0"), plan(site("x86_64", "none"), "test.pinned;version=[1.0,1.1)"));
        assertEquals(List.of("test.pinned 1.1.0"), plan(site("x86_64", "none"), "test.pinned"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan(site("x86_64", "none"), "test.pinned;version=[3,4)"));
        assertEquals("test.pinned: no version in [3.0.0,4.0.0) in the repositories", e.getMessage());
        assertFalse(e instanceof Planner.HardwareUnmet, "not a hardware refusal");
    }

    @Test
    void missingHardwareFailsNamingTheCapability() {
        IllegalArgumentException e = assertThrows(Planner.HardwareUnmet.class, () -> plan(site("x86_64", "none"), "inference-cuda"));
        assertEquals("inference-cuda needs kumiki.hardware (gpu.vendor=nvidia); this site has gpu.vendor=none", e.getMessage());
        assertEquals(List.of("test.api 1.0.0", "test.cuda 1.0.0"), plan(site("x86_64", "nvidia"), "inference-cuda"));
    }

    @Test
    void hardwareNeededDeepInsideAFeatureIsNamedToo() {
        IllegalArgumentException e = assertThrows(Planner.HardwareUnmet.class, () -> plan(site("aarch64", "none"), "cuda-deep"));
        assertEquals("test.cuda needs kumiki.hardware (gpu.vendor=nvidia); this site has gpu.vendor=none", e.getMessage());
    }

    @Test
    void featureVariantIsChosenByTheSiteHardware() {
        assertEquals(List.of("test.api 1.0.0", "test.cuda 1.0.0"), plan(site("x86_64", "nvidia"), "inference-gpu"));
        assertEquals(List.of("test.api 1.0.0", "test.remote 1.0.0"), plan(site("aarch64", "none"), "inference-gpu"));
        IllegalArgumentException e = assertThrows(Planner.HardwareUnmet.class, () -> plan(site("x86_64", "none"), "inference-gpu"));
        assertTrue(e.getMessage().startsWith("inference-gpu needs kumiki.hardware"), e.getMessage());
    }

    @Test
    void badRequestsFailWithOneLine() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> plan(site("x86_64", "none"), "nope"));
        assertEquals("unknown feature or bundle 'nope' (kumiki:features lists the features)", unknown.getMessage());
        assertFalse(unknown instanceof Planner.HardwareUnmet, "not a hardware refusal");
        assertEquals("request 'x;version=[1.0,oops)': version range '[1.0,oops)' does not parse (e.g. [1.0,1.1) or 1.2)",
                assertThrows(IllegalArgumentException.class, () -> Planner.parse("x;version=[1.0,oops)")).getMessage());
        assertEquals("request '../etc/passwd': '../etc/passwd' is not a feature or bundle name (letters, digits, '.', '-', '_')",
                assertThrows(IllegalArgumentException.class, () -> Planner.parse("../etc/passwd")).getMessage());
        assertEquals("request 'x;foo=1': expected NAME;version=RANGE",
                assertThrows(IllegalArgumentException.class, () -> Planner.parse("x;foo=1")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Planner.parse("x(y)"));
    }
}
