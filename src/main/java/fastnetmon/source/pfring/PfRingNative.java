package fastnetmon.source.pfring;

import fastnetmon.source.SourceException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JNI binding, libfastnetmon_pfring.so (C source in native/, built by Maven when a C compiler is
 * present). It does not link libpfring: {@link #loadLibrary} dlopens it at run time.
 *
 * <p>Where the binding is loaded from, first found wins:
 * <ol>
 *   <li>the path in the system property {@value #JNI_PATH_PROPERTY};</li>
 *   <li>the class path resource {@code /native/linux-<arch>/libfastnetmon_pfring.so} (inside the jar it
 *       is copied to a temporary file, loaded and deleted);</li>
 *   <li>next to the jar or classes directory (also its {@code native/linux-<arch>/}, and a sibling
 *       {@code classes/} build directory);</li>
 *   <li>{@code java.library.path}.</li>
 * </ol>
 */
final class PfRingNative {
    /** Must match FNM_PFRING_ABI in native/fastnetmon_pfring.c. */
    static final int ABI = 1;
    static final String FILE_NAME = "libfastnetmon_pfring.so";
    static final String JNI_PATH_PROPERTY = "fastnetmon.pfring.jni";

    private static boolean loaded;
    private static String failure;
    private static String origin;

    private PfRingNative() {
    }

    /** Platform directory name, as native/build.sh names it: linux-x86_64, linux-aarch64... */
    static String platform() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            arch = "x86_64";
        } else if (arch.equals("arm64") || arch.equals("aarch64")) {
            arch = "aarch64";
        }
        return "linux-" + arch;
    }

    static String resourcePath() {
        return "/native/" + platform() + "/" + FILE_NAME;
    }

    /** Where the binding was loaded from (for logs), or null before it was. */
    static synchronized String origin() {
        return origin;
    }

    /** Loads the binding once; throws with a one-line reason when it is not there or does not load. */
    static synchronized void ensureLoaded() throws SourceException {
        if (loaded) {
            return;
        }
        if (failure == null) {
            failure = load();
            loaded = failure == null;
        }
        if (!loaded) {
            throw new SourceException(failure);
        }
    }

    /** null when loaded, else why not. */
    private static String load() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return "PF_RING capture works on Linux only";
        }
        String explicit = System.getProperty(JNI_PATH_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return loadFile(Paths.get(explicit), " (set by -D" + JNI_PATH_PROPERTY + ")");
        }
        URL resource = PfRingNative.class.getResource(resourcePath());
        if (resource != null) {
            if ("file".equals(resource.getProtocol())) {
                try {
                    return loadFile(Paths.get(resource.toURI()), "");
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // fall through to copying it out
                }
            }
            return loadCopy(resource);
        }
        for (Path p : besideCode()) {
            if (Files.isRegularFile(p)) {
                return loadFile(p, "");
            }
        }
        try {
            System.loadLibrary("fastnetmon_pfring");
            return checkAbi(FILE_NAME + " from java.library.path");
        } catch (UnsatisfiedLinkError e) {
            return "PF_RING support was not built: " + FILE_NAME + " is missing (fastnetmon was built without a"
                    + " C compiler; install gcc and rebuild)";
        }
    }

    private static String loadFile(Path file, String setBy) {
        if (!Files.isRegularFile(file)) {
            return "PF_RING support was not built: " + file + " is missing" + setBy;
        }
        try {
            System.load(file.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
            return "cannot load " + file + setBy + ": " + oneLine(e.getMessage());
        }
        return checkAbi(file.toString());
    }

    /** The binding inside a jar: copied to a temporary file, loaded, and deleted (the mapping stays). */
    private static String loadCopy(URL resource) {
        Path tmp = null;
        try (InputStream in = resource.openStream()) {
            tmp = Files.createTempFile("libfastnetmon_pfring", ".so");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            System.load(tmp.toAbsolutePath().toString());
            return checkAbi(resource.toString());
        } catch (IOException e) {
            return "cannot copy " + FILE_NAME + " out of the jar to " + System.getProperty("java.io.tmpdir")
                    + ": " + oneLine(e.getMessage());
        } catch (UnsatisfiedLinkError e) {
            return "cannot load " + FILE_NAME + " copied to " + tmp + ": " + oneLine(e.getMessage())
                    + " (a noexec temporary directory? set -Djava.io.tmpdir or -D" + JNI_PATH_PROPERTY + "=PATH)";
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temporary file
                }
            }
        }
    }

    /** Places next to the jar or classes directory this class came from. */
    private static List<Path> besideCode() {
        List<Path> out = new ArrayList<>();
        try {
            CodeSource cs = PfRingNative.class.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null) {
                return out;
            }
            Path code = Paths.get(cs.getLocation().toURI());
            Path dir = Files.isDirectory(code) ? code : code.getParent();
            if (dir == null) {
                return out;
            }
            out.add(dir.resolve(FILE_NAME));
            out.add(dir.resolve("native").resolve(platform()).resolve(FILE_NAME));
            out.add(dir.resolve("classes").resolve("native").resolve(platform()).resolve(FILE_NAME));
        } catch (URISyntaxException | RuntimeException e) {
            // no usable code location
        }
        return out;
    }

    private static String checkAbi(String what) {
        int abi;
        try {
            abi = abiVersion();
        } catch (UnsatisfiedLinkError e) {
            return what + " is not fastnetmon's PF_RING binding: " + oneLine(e.getMessage());
        }
        if (abi == ABI) {
            origin = what;
            return null;
        }
        return what + " is from another build (interface version " + abi + ", expected " + ABI + "); rebuild fastnetmon";
    }

    static String oneLine(String s) {
        return s == null ? "unknown error" : s.replaceAll("\\s+", " ").trim();
    }

    // ---- native methods (native/fastnetmon_pfring.c) ----

    static native int abiVersion();

    /**
     * dlopens the first of {@code candidates} that exists. Returns a library handle and its path in
     * out[1]; 0 with out[0] null when none exists; 0 with out[0] the reason when one exists but is unusable.
     */
    static native long loadLibrary(String[] candidates, String[] out);

    /** Opens and enables a ring; 0 with error[0] the reason on failure. */
    static native long open(long library, String device, int caplen, boolean promisc, String[] error);

    /**
     * Copies up to {@code maxPackets} packets into the direct buffer as records
     * [u64 timestamp ns][u32 captured length][u32 wire length][bytes padded to 8], native byte order.
     * Waits up to {@code waitMs} for the first one. Returns the count, or a negative pfring_recv error.
     */
    static native int recvBatch(long ring, ByteBuffer buf, int maxPackets, int waitMs);

    /** out[0] received, out[1] dropped; returns pfring_stats' result (0 = ok). */
    static native int stats(long ring, long[] out);

    /** Makes a recvBatch on another thread return soon. */
    static native void breakloop(long ring);

    static native void close(long ring);
}
