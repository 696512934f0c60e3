package fastnetmon.bench;

import fastnetmon.tools.FrameBuilder;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * The flow benchmark's datagrams: writes a corpus of pre-built NetFlow v9 or sFlow v5 datagrams from several
 * exporters (sFlow agents 127.0.0.1, 127.0.0.2, ...) that bench/flow-blast.c sends at a given rate with
 * sendmmsg(2) from source addresses 127.0.0.1, .2, ... (so SO_REUSEPORT spreads them over the collector's
 * sockets). Records go to random hosts of 10.10.0.0/16 from random sources. The sender writes only the
 * sequence numbers and the export time; the corpus says where they are.
 *
 * <pre>java -cp target/test-classes:target/classes fastnetmon.bench.FlowSender netflow9|sflow FILE [EXPORTERS]</pre>
 * Corpus (big-endian int32s): exporters, datagrams per exporter, records per datagram, offset of the sequence
 * number, offset of the unix seconds (-1: none), sequence step per datagram; then per exporter, per datagram:
 * length, bytes.
 */
public final class FlowSender {
    static final int V9_RECORDS = 40, V9_RECORD = 30, SFLOW_SAMPLES = 10, DATAGRAMS = 256;
    private static final int TEMPLATE_ID = 256;

    private FlowSender() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || !(args[0].equals("sflow") || args[0].equals("netflow9"))) {
            System.err.println("usage: FlowSender netflow9|sflow FILE [EXPORTERS]");
            System.exit(2);
        }
        boolean sflow = args[0].equals("sflow");
        int exporters = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Random rnd = new Random(7);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(args[1])))) {
            out.writeInt(exporters);
            out.writeInt(DATAGRAMS);
            out.writeInt(sflow ? SFLOW_SAMPLES : V9_RECORDS);
            out.writeInt(sflow ? 16 : 12); // sequence number
            out.writeInt(sflow ? -1 : 8); // NetFlow v9 unix_secs (sysUptime stays, so record times follow the clock)
            out.writeInt(1);
            for (int e = 0; e < exporters; e++) {
                for (int i = 0; i < DATAGRAMS; i++) {
                    byte[] d = sflow ? sflowDatagram(rnd, e) : v9Datagram(rnd, i % 16 == 0);
                    out.writeInt(d.length);
                    out.write(d);
                }
            }
        }
    }

    /** NetFlow v9: header, the template (in one datagram of 16), one data set of {@value #V9_RECORDS} records. */
    public static byte[] v9Datagram(Random rnd, boolean withTemplate) {
        int templateLen = 4 + 4 + 10 * 4;
        int dataLen = 4 + V9_RECORDS * V9_RECORD;
        ByteBuffer b = ByteBuffer.allocate(20 + (withTemplate ? templateLen : 0) + dataLen);
        b.putShort((short) 9).putShort((short) (V9_RECORDS + (withTemplate ? 1 : 0)));
        b.putInt(100_000_000).putInt((int) (System.currentTimeMillis() / 1000)).putInt(0).putInt(0);
        if (withTemplate) {
            b.putShort((short) 0).putShort((short) templateLen).putShort((short) TEMPLATE_ID).putShort((short) 10);
            int[] fields = {8, 4, 12, 4, 7, 2, 11, 2, 4, 1, 6, 1, 2, 4, 1, 4, 22, 4, 21, 4};
            for (int f : fields) {
                b.putShort((short) f);
            }
        }
        b.putShort((short) TEMPLATE_ID).putShort((short) dataLen);
        for (int r = 0; r < V9_RECORDS; r++) {
            b.putInt(rnd.nextInt()).putInt(0x0a0a0000 | rnd.nextInt(1 << 16));
            b.putShort((short) rnd.nextInt()).putShort((short) 80).put((byte) 6).put((byte) 2);
            b.putInt(1).putInt(60).putInt(100_000_000 - 900).putInt(100_000_000 - 900);
        }
        return b.array();
    }

    /** sFlow v5: header, {@value #SFLOW_SAMPLES} flow samples of one raw packet header each (a TCP SYN), rate 1. */
    public static byte[] sflowDatagram(Random rnd, int agent) {
        int headerLen = 54;
        int recordLen = 16 + 56; // raw packet header record body: protocol, frame length, stripped, header length, header (padded)
        int sampleLen = 32 + 8 + recordLen;
        ByteBuffer b = ByteBuffer.allocate(28 + SFLOW_SAMPLES * (8 + sampleLen));
        b.putInt(5).putInt(1).putInt(0x7f000001 + agent).putInt(0).putInt(0).putInt(1000).putInt(SFLOW_SAMPLES);
        for (int s = 0; s < SFLOW_SAMPLES; s++) {
            b.putInt(1).putInt(sampleLen);
            b.putInt(s).putInt(1).putInt(1).putInt(s).putInt(0).putInt(1).putInt(2).putInt(1);
            b.putInt(1).putInt(recordLen);
            byte[] frame = FrameBuilder.ipv4(rnd.nextInt(), 0x0a0a0000 | rnd.nextInt(1 << 16)).tcp(1024 + rnd.nextInt(60000), 80, 0x02).ethernet();
            b.putInt(1).putInt(frame.length + 4).putInt(4).putInt(headerLen);
            b.put(frame, 0, headerLen).put(new byte[56 - headerLen]);
        }
        return b.array();
    }
}
