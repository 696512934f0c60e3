package fastnetmon.source.pfring;

import fastnetmon.counters.TestShards;
import fastnetmon.source.SourceException;
import fastnetmon.source.PacketCounter;
import fastnetmon.packet.PacketParser;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static fastnetmon.counters.TestPackets.networks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How libpfring and the JNI binding are found, and what is said when they are not. */
class PfRingLoadingTest {
    @TempDir
    Path tmp;

    @Test
    void withoutLibpfringTheMessageIsPlain() throws Exception {
        StandIn.requireToolchain();
        SourceException e = assertThrows(SourceException.class, () ->
                PfRingLibrary.load(List.of(tmp.resolve("libpfring.so").toString(), "libpfring-absent-for-test.so.9")));
        assertEquals("PF_RING is not installed: libpfring.so was not found", e.getMessage());
        assertEquals(PfRingLibrary.NOT_INSTALLED, e.getMessage());

        // the usual places, as pfring = on uses them, on a machine without PF_RING
        boolean installed;
        try {
            PfRingLibrary.load(PfRingLibrary.DEFAULT_CANDIDATES);
            installed = true;
        } catch (SourceException notThere) {
            assertEquals(PfRingLibrary.NOT_INSTALLED, notThere.getMessage());
            installed = false;
        }
        String override = System.getenv(PfRingLibrary.PATH_ENV);
        if (!installed && (override == null || override.isBlank())) {
            e = assertThrows(SourceException.class, () -> PfRingEngine.open("eth0", PfRingEngine.DEFAULT_CAPLEN, true,
                    new PacketCounter(TestShards.shard("x", networks("10.0.0.0/8"), 10))));
            assertEquals("PF_RING is not installed: libpfring.so was not found", e.getMessage());
        }
    }

    @Test
    void anOverridePathThatIsMissingIsNamed() throws Exception {
        StandIn.requireToolchain();
        String missing = tmp.resolve("nowhere/libpfring.so").toString();
        String before = System.getProperty(PfRingLibrary.PATH_PROPERTY);
        System.setProperty(PfRingLibrary.PATH_PROPERTY, missing);
        try {
            SourceException e = assertThrows(SourceException.class, PfRingLibrary::system);
            assertEquals("PF_RING is not installed: libpfring.so was not found at " + missing
                    + " (set by -Dfastnetmon.libpfring)", e.getMessage());
            // and pointing it at the stand-in works
            System.setProperty(PfRingLibrary.PATH_PROPERTY, StandIn.library().toString());
            assertEquals(StandIn.library().toString(), PfRingLibrary.system().path());
        } finally {
            if (before == null) {
                System.clearProperty(PfRingLibrary.PATH_PROPERTY);
            } else {
                System.setProperty(PfRingLibrary.PATH_PROPERTY, before);
            }
        }
    }

    @Test
    void aLibraryWithoutThePfringApiIsRejected() throws Exception {
        StandIn.requireToolchain();
        SourceException e = assertThrows(SourceException.class, () -> PfRingLibrary.load(List.of("libc.so.6")));
        assertEquals("cannot use libpfring: libc.so.6 is not a usable PF_RING library: it has no pfring_open",
                e.getMessage());
        Path junk = tmp.resolve("libpfring.so");
        Files.writeString(junk, "not a shared object");
        e = assertThrows(SourceException.class, () -> PfRingLibrary.load(List.of(junk.toString())));
        assertTrue(e.getMessage().startsWith("cannot use libpfring: " + junk + " was found but could not be loaded: "),
                e.getMessage());
    }

    /** The binding packaged in a jar is copied out and loaded; the stand-in then serves packets through it. */
    @Test
    void loadsTheBindingFromTheJar() throws Exception {
        StandIn.requireToolchain();
        Path classes = classesDir();
        String resource = PfRingNative.resourcePath().substring(1);
        Path so = classes.resolve(resource);
        assertTrue(Files.isRegularFile(so), "the build did not produce " + so);
        Path jar = tmp.resolve("fastnetmon-native.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(resource));
            Files.copy(so, out);
            out.closeEntry();
        }
        Path pcap = tmp.resolve("three.pcap");
        try (PcapWriter w = PcapWriter.pcap(pcap, PacketParser.LINKTYPE_ETHERNET, false)) {
            for (int i = 0; i < 3; i++) {
                w.write(1_000_000_000L * (i + 1), FrameBuilder.ipv4("192.0.2.1", "10.0.0.1").udp(1, 2).ethernet());
            }
        }
        String line = probe(List.of(jar, classes, testClassesDir()), StandIn.library().toString(), "file:" + pcap);
        assertEquals("OK origin=jar:" + jar.toUri().toURL() + "!/" + resource + " packets=3", line);
    }

    /** Built without a C compiler: no binding anywhere, and one plain line says so. */
    @Test
    void withoutTheBindingTheMessageIsPlain() throws Exception {
        // needs no compiler: this is what a build without one gives
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().startsWith("linux"), "Linux only");
        Path copy = tmp.resolve("classes");
        Path classes = classesDir();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path rel = classes.relativize(p);
                if (rel.startsWith("native")) {
                    continue;
                }
                Path dst = copy.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst);
                }
            }
        }
        assertEquals("ERR PF_RING support was not built: libfastnetmon_pfring.so is missing (fastnetmon was built"
                + " without a C compiler; install gcc and rebuild)", probe(List.of(copy, testClassesDir())));
    }

    private static Path classesDir() throws Exception {
        return Paths.get(PfRingNative.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static Path testClassesDir() throws Exception {
        return Paths.get(PfRingLoadingTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Runs {@link PfRingProbe} in a fresh JVM on exactly this class path; returns its line. */
    private String probe(List<Path> classPath, String... args) throws IOException, InterruptedException {
        List<String> cp = new ArrayList<>();
        for (Path p : classPath) {
            cp.add(p.toString());
        }
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", String.join(File.pathSeparator, cp), PfRingProbe.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            // no input
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
