package fastnetmon.console;

import jnr.ffi.LibraryLoader;

/** Whether a file descriptor is a terminal: isatty(3) from libc. */
final class Tty {
    private Tty() {
    }

    public interface LibC {
        int isatty(int fd);
    }

    private static final class Holder {
        static final LibC LIBC = load();

        private static LibC load() {
            try {
                return LibraryLoader.create(LibC.class).failImmediately().load("c");
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                return null;
            }
        }
    }

    /** True when fd is a terminal; false when it is not or libc cannot be reached. */
    static boolean isatty(int fd) {
        LibC c = Holder.LIBC;
        return c != null && c.isatty(fd) == 1;
    }
}
