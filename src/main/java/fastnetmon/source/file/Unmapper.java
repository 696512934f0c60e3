package fastnetmon.source.file;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a mapped buffer at once through sun.misc.Unsafe.invokeCleaner (jdk.unsupported); without it the
 * GC unmaps it later. Stateless; safe from any thread, but the buffer must not be used afterwards.
 */
final class Unmapper {
    private static final MethodHandle INVOKE_CLEANER;
    private static final Object UNSAFE;

    static {
        MethodHandle h = null;
        Object u = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = f.get(null);
            h = MethodHandles.lookup().findVirtual(c, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            u = null;
            h = null;
        }
        INVOKE_CLEANER = h;
        UNSAFE = u;
    }

    private Unmapper() {
    }

    static void unmap(MappedByteBuffer b) {
        if (b == null || INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, (ByteBuffer) b);
        } catch (Throwable ignored) {
            // the GC will unmap it
        }
    }
}
