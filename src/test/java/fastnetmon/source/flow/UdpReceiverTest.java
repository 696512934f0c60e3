package fastnetmon.source.flow;

import fastnetmon.packet.PacketRecord;
import fastnetmon.source.SourceException;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpReceiverTest {
    @Test
    void readsABatchWithEachSendersAddress() throws Exception {
        try (UdpReceiver rx = UdpReceiver.open("127.0.0.1", 0, true, 1 << 20);
             DatagramSocket tx = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            InetAddress lo = InetAddress.getByName("127.0.0.1");
            for (int i = 0; i < 3; i++) {
                byte[] b = ("datagram-" + i).getBytes(StandardCharsets.US_ASCII);
                tx.send(new DatagramPacket(b, b.length, lo, rx.localPort()));
            }
            int n = 0;
            for (int tries = 0; n < 3 && tries < 50; tries++) {
                int got = rx.receive(100);
                for (int i = 0; i < got; i++) {
                    byte[] b = new byte[rx.length(i)];
                    rx.buffer().get(rx.offset(i), b);
                    assertEquals("datagram-" + (n + i), new String(b, StandardCharsets.US_ASCII));
                    assertEquals(0, rx.sourceHi(i));
                    assertEquals(PacketRecord.V4_MAPPED_PREFIX | 0x7f000001L, rx.sourceLo(i));
                }
                n += got;
            }
            assertEquals(3, n);
            assertEquals(3, rx.received());
            assertEquals(0, rx.receive(10), "nothing more queued: times out");
        }
    }

    @Test
    void ipv6SocketTakesIpv4AndReportsTheMappedAddress() throws Exception {
        try (UdpReceiver rx = UdpReceiver.open("::", 0, true, 1 << 20);
             DatagramSocket tx = new DatagramSocket()) {
            byte[] b = {9, 9};
            tx.send(new DatagramPacket(b, 2, InetAddress.getByName("127.0.0.1"), rx.localPort()));
            int got = 0;
            for (int tries = 0; got == 0 && tries < 50; tries++) {
                got = rx.receive(100);
            }
            assertEquals(1, got);
            assertEquals(0, rx.sourceHi(0));
            assertEquals(PacketRecord.V4_MAPPED_PREFIX | 0x7f000001L, rx.sourceLo(0));
        }
    }

    @Test
    void kernelDropsAreCounted() throws Exception {
        // the smallest receive buffer holds a few datagrams; the rest are dropped by the kernel
        try (UdpReceiver rx = UdpReceiver.open("127.0.0.1", 0, true, 4096);
             DatagramSocket tx = new DatagramSocket()) {
            byte[] b = new byte[1200];
            InetAddress lo = InetAddress.getByName("127.0.0.1");
            for (int i = 0; i < 500; i++) {
                tx.send(new DatagramPacket(b, b.length, lo, rx.localPort()));
            }
            long read = 0;
            for (int tries = 0; tries < 5; tries++) {
                read += rx.receive(50);
            }
            tx.send(new DatagramPacket(b, b.length, lo, rx.localPort()));
            for (int tries = 0; tries < 5; tries++) {
                read += rx.receive(50);
            }
            assertTrue(rx.dropped() > 0, "dropped " + rx.dropped());
            assertEquals(501, read + rx.dropped(), "every datagram either read or counted as dropped");
        }
    }

    @Test
    void aPortInUseWithoutReusePortIsOneLine() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            SourceException e = assertThrows(SourceException.class,
                    () -> UdpReceiver.open("127.0.0.1", taken.getLocalPort(), true, 1 << 16));
            assertEquals("cannot listen for flows on 127.0.0.1:" + taken.getLocalPort() + ": address already in use", e.getMessage());
        }
    }

    @Test
    void aDrainedSocketWaitsForHalfABatchAtTheRateItSawAtMostAMillisecond() {
        int half = UdpReceiver.BATCH / 2;
        assertEquals(0, UdpReceiver.pauseNanos(UdpReceiver.BATCH, 1_000_000, 0), "a full batch: read again at once");
        assertEquals(0, UdpReceiver.pauseNanos(0, 1_000_000, 0), "an empty read: poll waits");
        // 8 datagrams in 100 us: half a batch takes 400 us, 50 us of it already gone
        assertEquals(half * 100_000L / 8 - 50_000, UdpReceiver.pauseNanos(8, 100_000, 50_000));
        assertEquals(UdpReceiver.GATHER_MAX_NANOS, UdpReceiver.pauseNanos(1, 10_000_000, 0), "a slow exporter: at most 1 ms");
        assertEquals(0, UdpReceiver.pauseNanos(half, 100_000, 90_000), "under 20 us left: no sleep");
    }
}
