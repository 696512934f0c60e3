package fastnetmon.source;

import com.kenai.jffi.MemoryIO;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;

import java.nio.ByteBuffer;

/**
 * The libc calls the native sources make (AF_PACKET capture, the flow collectors' UDP sockets), loaded
 * once, lazily, through jnr-ffi; their constants stay with each source. Threading: safe from any thread;
 * {@link #errno()} is the calling thread's.
 */
public final class NativeLibC {
    private NativeLibC() {
    }

    /** The subset of libc the sources use (x86_64 and aarch64 share the signatures). */
    public interface Calls {
        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        int setsockopt(int fd, int level, int name, Pointer value, int length);

        @SaveError
        int getsockopt(int fd, int level, int name, Pointer value, Pointer length);

        @SaveError
        int bind(int fd, Pointer address, int length);

        @SaveError
        int getsockname(int fd, Pointer address, Pointer length);

        @SaveError
        int recvmmsg(int fd, Pointer msgvec, int vlen, int flags, Pointer timeout);

        // Plain Java longs for mmap's arguments reach libc mangled (glibc then fails with EINVAL
        // without a system call); the typed annotations make jnr-ffi pass them right.
        @SaveError
        Pointer mmap(Pointer address, @size_t long length, int prot, int flags, int fd, @off_t long offset);

        @SaveError
        int munmap(Pointer address, @size_t long length);

        @SaveError
        int close(int fd);

        @SaveError
        int poll(Pointer fds, @size_t long count, int timeoutMillis);

        @SaveError
        int if_nametoindex(String name);

        String strerror(int errno);
    }

    private static final class Holder {
        static final Calls LIBC = LibraryLoader.create(Calls.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    public static Calls libc() {
        return Holder.LIBC;
    }

    public static Runtime runtime() {
        return Holder.RUNTIME;
    }

    /** errno of the last call on this thread that saved it. */
    public static int errno() {
        return Holder.RUNTIME.getLastError();
    }

    /** libc's text for an errno ("Operation not permitted"), or "errno N" when it has none. */
    public static String strerror(int errno) {
        try {
            String s = Holder.LIBC.strerror(errno);
            return s == null ? "errno " + errno : s;
        } catch (RuntimeException e) {
            return "errno " + errno;
        }
    }

    /** A ByteBuffer over native memory we own (no copy, no cleaner: valid until we free or unmap it). */
    public static ByteBuffer wrap(long address, int length) {
        return MemoryIO.getInstance().newDirectByteBuffer(address, length);
    }
}
