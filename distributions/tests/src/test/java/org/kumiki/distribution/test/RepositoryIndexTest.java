package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.resource.Capability;
import org.osgi.resource.Requirement;
import org.osgi.resource.Resource;
import org.osgi.service.resolver.ResolutionException;

import aQute.bnd.build.Workspace;
import aQute.bnd.osgi.repository.ResourcesRepository;
import aQute.bnd.osgi.repository.XMLResourceParser;
import biz.aQute.resolve.Bndrun;
import biz.aQute.resolve.ResolveProcess;
import biz.aQute.resolve.RunResolution;

/**
 * The published repository (distributions/repository/target/repository, written by the
 * kumiki-repository module): index.xml lists every jar once with its real SHA-256 and size, holds
 * every deployable Kumiki bundle and everything the sites run; features.xml's features name
 * bundles of the index; and bnd's resolver, given only the two documents and a site's declared
 * hardware, installs a feature where the hardware can run it and refuses it naming the missing
 * capability where it cannot.
 */
class RepositoryIndexTest {

    static final Path REPO = SiteResolutionTest.DISTRIBUTIONS.resolve("repository/target/repository");
    static final Path BUNDLES_SRC = SiteResolutionTest.DISTRIBUTIONS.getParent().resolve("bundles");
    static final String CUDA = "org.kumiki.inference.onnxruntime.cuda";

    static final String WORKSTATION = "kumiki.hardware;arch=x86_64;gpu.vendor=none;gpu.count:Long=0;slurm=false;site=workstation";
    static final String HPC_GPU = "kumiki.hardware;arch=aarch64;gpu.vendor=nvidia;gpu.count:Long=4;slurm=true;site=hpc-gpu";
    static final String X86_GPU = "kumiki.hardware;arch=x86_64;gpu.vendor=nvidia;gpu.count:Long=1;slurm=false;site=chem-lab";

    static List<Resource> index() throws Exception {
        Path index = REPO.resolve("index.xml");
        assertTrue(Files.isRegularFile(index), index + " not built: install distributions/repository first");
        // the parser follows index.xml's referral to features.xml: keep the bundles
        return XMLResourceParser.getResources(index.toFile()).stream()
                .filter(r -> !"kumiki.feature".equals(attrs(r, "osgi.identity").get("type"))).collect(Collectors.toList());
    }

    static List<Resource> features() throws Exception {
        return XMLResourceParser.getResources(REPO.resolve("features.xml").toFile());
    }

    static Map<String, Object> attrs(Resource r, String namespace) {
        List<Capability> caps = r.getCapabilities(namespace);
        assertEquals(1, caps.size(), namespace + " capabilities of " + r);
        return caps.get(0).getAttributes();
    }

    static String bsn(Resource r) {
        return (String) attrs(r, "osgi.identity").get("osgi.identity");
    }

    static Set<String> indexBsns() throws Exception {
        return index().stream().map(RepositoryIndexTest::bsn).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyJarIsListedOnceWithItsSha256AndSize() throws Exception {
        String xml = Files.readString(REPO.resolve("index.xml"));
        assertTrue(xml.contains("xmlns=\"http://www.osgi.org/xmlns/repository/v1.0.0\""), xml.substring(0, 200));
        assertTrue(xml.matches("(?s).*<repository [^>]*name=\"kumiki\"[^>]*increment=\"\\d+\".*"), xml.substring(0, 200));
        assertTrue(xml.strip().endsWith("<referral url=\"features.xml\"/>\n</repository>"), "no referral to features.xml at the end");
        assertFalse(xml.contains("url=\"file:") || xml.contains("url=\"urn:"), "every url is relative to index.xml");

        long referred = XMLResourceParser.getResources(REPO.resolve("index.xml").toFile()).stream()
                .filter(r -> "kumiki.feature".equals(attrs(r, "osgi.identity").get("type"))).count();
        assertEquals(features().size(), referred, "a reader of index.xml finds the features through its referral");

        Set<String> urls = new TreeSet<>();
        for (Resource r : index()) {
            Map<String, Object> content = attrs(r, "osgi.content");
            // the parser resolves the index's relative URLs against index.xml's location
            String url = REPO.toUri().relativize(java.net.URI.create((String) content.get("url"))).toString();
            assertTrue(urls.add(url), "listed twice: " + url);
            assertTrue(url.matches("bundles/[^/]+\\.jar"), url);
            Path jar = REPO.resolve(url);
            assertTrue(Files.isRegularFile(jar), "index names a missing jar: " + url);
            assertEquals(Files.size(jar), ((Number) content.get("size")).longValue(), "size of " + url);
            assertEquals(sha256(jar), content.get("osgi.content"), "SHA-256 of " + url);
            Map<String, Object> identity = attrs(r, "osgi.identity");
            assertEquals("bundles/" + identity.get("osgi.identity") + "-" + identity.get("version") + ".jar", url, "jar named BSN-VERSION.jar");
        }
        Set<String> files;
        try (Stream<Path> s = Files.list(REPO.resolve("bundles"))) {
            files = s.map(p -> "bundles/" + p.getFileName()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(files, urls, "every jar of bundles/ is in index.xml and nothing else");
    }

    @Test
    void everyDeployableKumikiBundleAndEverySiteBundleIsInTheIndex() throws Exception {
        Set<String> bsns = indexBsns();
        List<String> missing = new ArrayList<>();
        try (Stream<Path> s = Files.list(BUNDLES_SRC)) {
            for (Path b : s.sorted().collect(Collectors.toList())) {
                String name = b.getFileName().toString();
                if (!Files.isRegularFile(b.resolve("pom.xml")) || name.endsWith(".test")
                        || Files.readString(b.resolve("pom.xml")).contains("never deployed")) {
                    continue; // test fixtures and build-time libraries copied into other bundles
                }
                if (name.equals(CUDA) && !Files.isDirectory(b.resolve("target/classes/ai"))) {
                    continue; // built only with -Pcuda (onnxruntime_gpu is a 426 MB download)
                }
                if (!bsns.contains(name)) {
                    missing.add(name);
                }
            }
        }
        assertTrue(missing.isEmpty(), "Kumiki bundles missing from the repository (add them to distributions/pom.xml's dependencies): " + missing);
        assertTrue(bsns.containsAll(List.of("org.kumiki.lab.opcua", "org.kumiki.quantum.remote", "org.kumiki.scheduler.slurm",
                "org.kumiki.platform.nvidia", "io.netty.handler", "bcpkix", "org.apache.felix.framework")), bsns.toString());

        // everything a site runs today (the committed -runbundles of every site)
        Pattern runbundle = Pattern.compile("^\\s*([A-Za-z0-9_.\\-]+);version=", Pattern.MULTILINE);
        for (Path site : SiteDiscoveryTest.sites()) {
            String bndrun = Files.readString(site.resolve(site.getFileName() + ".bndrun"));
            Matcher m = runbundle.matcher(bndrun.substring(Math.max(0, bndrun.indexOf("-runbundles:"))));
            while (m.find()) {
                assertTrue(bsns.contains(m.group(1)), site.getFileName() + " runs " + m.group(1) + ", which the repository lacks");
            }
        }
    }

    @Test
    void featuresAreDefinedOnceAndNameBundlesOfTheIndex() throws Exception {
        Set<String> bsns = indexBsns();
        Map<String, List<String>> hardwareByFeature = new HashMap<>();
        for (Resource f : features()) {
            assertTrue(f.getCapabilities("osgi.content").isEmpty(), "a feature has no content");
            Map<String, Object> id = attrs(f, "osgi.identity");
            String name = (String) id.get("osgi.identity");
            assertEquals("kumiki.feature", id.get("type"), name);
            assertEquals("org.osgi.framework.Version", id.get("version").getClass().getName(), name);
            assertFalse(String.valueOf(id.get("description")).isBlank(), name);
            List<String> hardware = new ArrayList<>();
            for (Requirement req : f.getRequirements(null)) {
                String filter = req.getDirectives().get("filter");
                assertNotNull(filter, name);
                if (req.getNamespace().equals("kumiki.hardware")) {
                    hardware.add(filter);
                    continue;
                }
                assertEquals("osgi.identity", req.getNamespace(), name);
                Matcher m = Pattern.compile("\\(&\\(osgi\\.identity=([^)]+)\\)\\(version>=1\\.0\\.0\\)\\(!\\(version>=2\\.0\\.0\\)\\)\\)").matcher(filter);
                assertTrue(m.matches(), filter);
                if (m.group(1).equals(CUDA) && !bsns.contains(CUDA)) {
                    continue; // -Pcuda
                }
                assertTrue(bsns.contains(m.group(1)), "feature " + name + " names " + m.group(1) + ", which is not in index.xml");
            }
            hardwareByFeature.computeIfAbsent(name, k -> new ArrayList<>()).add(String.join(" ", hardware));
        }
        assertTrue(hardwareByFeature.keySet().containsAll(List.of("inference-cpu", "inference-cuda", "inference-gpu", "inference-remote",
                "lab-opcua", "quantum-ibm", "slurm", "campaign", "gpu-telemetry")), hardwareByFeature.keySet().toString());
        assertEquals(List.of("(&(arch=x86_64)(gpu.vendor=nvidia))", "(arch=aarch64)"), hardwareByFeature.get("inference-gpu"));
        assertEquals(List.of("(&(arch=x86_64)(gpu.vendor=nvidia))"), hardwareByFeature.get("inference-cuda"));
        assertEquals(List.of("(slurm=true)"), hardwareByFeature.get("slurm"));
        hardwareByFeature.forEach((name, variants) -> assertEquals(variants.size(), Set.copyOf(variants).size(), name + " defined twice for the same hardware"));
    }

    // ---- resolving features against the two documents and a site's hardware (bnd's resolver)

    static RunResolution resolveFeature(Path dir, String feature, String hardware) throws Exception {
        Path bndrun = dir.resolve(feature + ".bndrun");
        Files.writeString(bndrun, "-runfw: org.apache.felix.framework\n-runee: JavaSE-17\n"
                + "-resolve.effective: active\n"
                + "-runprovidedcapabilities: " + hardware + "\n"
                + "-runrequires: osgi.identity;filter:='(&(osgi.identity=" + feature + ")(type=kumiki.feature))'\n");
        Bndrun run = Bndrun.createBndrun(null, bndrun.toFile());
        Workspace ws = run.getWorkspace();
        List<Resource> all = new ArrayList<>(index());
        all.addAll(features());
        ws.addBasicPlugin(new ResourcesRepository(all));
        ws.refresh();
        return run.resolve();
    }

    static Set<String> resolved(RunResolution r) {
        return r.required.keySet().stream().map(RepositoryIndexTest::bsn).collect(Collectors.toCollection(TreeSet::new));
    }

    static String message(RunResolution r) {
        return r.exception instanceof ResolutionException ? ResolveProcess.format((ResolutionException) r.exception, false)
                : String.valueOf(r.exception);
    }

    static Resource chosenFeature(RunResolution r, String name) {
        return r.required.keySet().stream().filter(res -> name.equals(bsn(res))).findFirst().orElseThrow();
    }

    @Test
    void labOpcuaResolvesOnTheWorkstationWithItsDependencies(@TempDir Path dir) throws Exception {
        RunResolution r = resolveFeature(dir, "lab-opcua", WORKSTATION);
        assertTrue(r.isOK(), () -> message(r));
        Set<String> bsns = resolved(r);
        assertTrue(bsns.containsAll(List.of("lab-opcua", "org.kumiki.lab.opcua", "org.kumiki.lab.api", "io.netty.handler", "bcprov")), bsns.toString());
    }

    @Test
    void inferenceCudaIsRefusedOnACpuSiteNamingTheMissingCapability(@TempDir Path dir) throws Exception {
        RunResolution r = resolveFeature(dir, "inference-cuda", WORKSTATION);
        assertFalse(r.isOK(), "inference-cuda must not resolve on a CPU site");
        String message = message(r);
        if (indexBsns().contains(CUDA)) {
            assertTrue(message.contains("kumiki.hardware") && message.contains("gpu.vendor=nvidia"), message);
        } else {
            // without -Pcuda the resolver stops at the absent bundle (it reports the first unmet
            // requirement; bnd orders a resource's requirements by namespace): the hardware
            // refusal itself is shown by a feature whose bundles are all in the repository
            assertTrue(message.contains(CUDA), message);
            RunResolution gpu = resolveFeature(dir, "gpu-telemetry", WORKSTATION);
            assertFalse(gpu.isOK(), "gpu-telemetry must not resolve on a CPU site");
            assertTrue(message(gpu).contains("kumiki.hardware") && message(gpu).contains("gpu.vendor=nvidia"), message(gpu));
            RunResolution onGpu = resolveFeature(dir, "gpu-telemetry", X86_GPU);
            assertTrue(onGpu.isOK(), () -> message(onGpu));
        }
    }

    @Test
    void inferenceCudaOnAnX86GpuSiteNeedsOnlyTheCudaBundle(@TempDir Path dir) throws Exception {
        RunResolution r = resolveFeature(dir, "inference-cuda", X86_GPU);
        if (indexBsns().contains(CUDA)) {
            assertTrue(r.isOK(), () -> message(r));
            assertTrue(resolved(r).contains(CUDA), resolved(r).toString());
        } else {
            // repository built without -Pcuda: the hardware is right, only the bundle is missing
            assertFalse(r.isOK());
            String message = message(r);
            assertTrue(message.contains(CUDA), message);
            assertFalse(message.contains("kumiki.hardware"), message);
        }
    }

    @Test
    void inferenceGpuPicksTritonOnAarch64(@TempDir Path dir) throws Exception {
        RunResolution r = resolveFeature(dir, "inference-gpu", HPC_GPU);
        assertTrue(r.isOK(), () -> message(r));
        Set<String> bsns = resolved(r);
        assertTrue(bsns.contains("org.kumiki.inference.remote"), bsns.toString());
        assertFalse(bsns.contains(CUDA), bsns.toString());
        assertFalse(bsns.contains("org.kumiki.inference.onnx"), bsns.toString());
        assertEquals("(arch=aarch64)", chosenFeature(r, "inference-gpu").getRequirements("kumiki.hardware").get(0).getDirectives().get("filter"));
    }

    @Test
    void inferenceGpuPicksCudaOnX86WithAnNvidiaGpu(@TempDir Path dir) throws Exception {
        RunResolution r = resolveFeature(dir, "inference-gpu", X86_GPU);
        if (indexBsns().contains(CUDA)) {
            assertTrue(r.isOK(), () -> message(r));
            assertTrue(resolved(r).contains(CUDA), resolved(r).toString());
            assertFalse(resolved(r).contains("org.kumiki.inference.remote"), resolved(r).toString());
        } else {
            // the aarch64 variant is not taken instead: the x86_64 variant fails on its bundle
            assertFalse(r.isOK());
            assertTrue(message(r).contains(CUDA), message(r));
        }
        RunResolution cpu = resolveFeature(dir, "inference-gpu", WORKSTATION);
        assertFalse(cpu.isOK(), "no variant of inference-gpu runs on a CPU-only x86_64 site");
    }

    @Test
    void slurmNeedsASiteWithSlurm(@TempDir Path dir) throws Exception {
        RunResolution r = resolveFeature(dir, "slurm", WORKSTATION);
        assertFalse(r.isOK());
        assertTrue(message(r).contains("slurm=true"), message(r));
        RunResolution hpc = resolveFeature(dir, "slurm", HPC_GPU);
        assertTrue(hpc.isOK(), () -> message(hpc));
        assertTrue(resolved(hpc).contains("org.kumiki.scheduler.slurm"), resolved(hpc).toString());
    }

    static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0;) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
