package fastnetmon.source.pfring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Run in a fresh JVM by {@link PfRingLoadingTest}: loads the binding the way fastnetmon does, then
 * (given a libpfring and a device) reads one batch. Prints one line: {@code OK origin=... packets=N}
 * or {@code ERR message}.
 */
public final class PfRingProbe {
    private PfRingProbe() {
    }

    public static void main(String[] args) {
        try {
            PfRingNative.ensureLoaded();
            int packets = -1;
            if (args.length >= 2) {
                PfRingLibrary lib = PfRingLibrary.load(List.of(args[0]));
                String[] err = new String[1];
                long ring = PfRingNative.open(lib.handle, args[1], 1518, true, err);
                if (ring == 0) {
                    System.out.println("ERR " + err[0]);
                    return;
                }
                ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.nativeOrder());
                packets = PfRingNative.recvBatch(ring, buf, 1024, 1000);
                PfRingNative.close(ring);
            }
            System.out.println("OK origin=" + PfRingNative.origin() + " packets=" + packets);
        } catch (Exception e) {
            System.out.println("ERR " + e.getMessage());
        }
    }
}
