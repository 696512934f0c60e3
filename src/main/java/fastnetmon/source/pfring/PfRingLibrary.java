package fastnetmon.source.pfring;

import fastnetmon.source.SourceException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * libpfring, loaded at run time (fastnetmon neither needs PF_RING to build nor links it). Looked for as
 * {@code libpfring.so} and {@code libpfring.so.1} on the dynamic linker's path, then in PF_RING's usual
 * install directories; {@code -D}{@value #PATH_PROPERTY}{@code =PATH} or the environment variable
 * {@value #PATH_ENV} names the file instead.
 */
public final class PfRingLibrary {
    /** The message when libpfring cannot be found. */
    public static final String NOT_INSTALLED = "PF_RING is not installed: libpfring.so was not found";
    public static final String PATH_PROPERTY = "fastnetmon.libpfring";
    public static final String PATH_ENV = "FASTNETMON_LIBPFRING";
    static final List<String> DEFAULT_CANDIDATES = List.of("libpfring.so", "libpfring.so.1",
            "/usr/local/lib/libpfring.so", "/usr/local/lib/libpfring.so.1", "/opt/pfring/lib/libpfring.so",
            "/usr/lib/libpfring.so");

    private static final Map<List<String>, PfRingLibrary> LOADED = new ConcurrentHashMap<>();

    final long handle;
    private final String path;

    private PfRingLibrary(long handle, String path) {
        this.handle = handle;
        this.path = path;
    }

    /** The file that was loaded. */
    public String path() {
        return path;
    }

    /** libpfring as configured: the property, else the environment variable, else the usual places. */
    public static PfRingLibrary system() throws SourceException {
        String override = System.getProperty(PATH_PROPERTY);
        String origin = "-D" + PATH_PROPERTY;
        if (override == null || override.isBlank()) {
            override = System.getenv(PATH_ENV);
            origin = PATH_ENV;
        }
        if (override != null && !override.isBlank()) {
            return load(List.of(override.trim()), origin);
        }
        return load(DEFAULT_CANDIDATES);
    }

    /** The first of these (file paths, or names for the dynamic linker) that exists; loaded once per list. */
    public static PfRingLibrary load(List<String> candidates) throws SourceException {
        return load(candidates, null);
    }

    private static PfRingLibrary load(List<String> candidates, String origin) throws SourceException {
        PfRingLibrary lib = LOADED.get(candidates);
        if (lib != null) {
            return lib;
        }
        PfRingNative.ensureLoaded();
        synchronized (LOADED) {
            lib = LOADED.get(candidates);
            if (lib != null) {
                return lib;
            }
            String[] out = new String[2];
            long h = PfRingNative.loadLibrary(candidates.toArray(new String[0]), out);
            if (h == 0) {
                if (out[0] != null) {
                    throw new SourceException("cannot use libpfring: " + PfRingNative.oneLine(out[0]));
                }
                throw new SourceException(origin == null ? NOT_INSTALLED
                        : NOT_INSTALLED + " at " + candidates.get(0) + " (set by " + origin + ")");
            }
            lib = new PfRingLibrary(h, out[1]);
            LOADED.put(List.copyOf(candidates), lib);
            return lib;
        }
    }
}
