package fastnetmon.source;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.SensorTap;
import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;

import java.nio.ByteBuffer;

/**
 * One source thread's way into the pipeline: parses each frame into a packet record and counts the
 * records in the thread's shard, {@value #BATCH} at a time ({@link CounterShard#countBatch}, whose
 * flow-table reads overlap). Every capture engine and the replay go through here, so they count
 * alike. Single thread, allocation-free.
 */
public final class PacketCounter {
    static final int BATCH = 64;
    private final CounterShard shard;
    private final PacketRecord[] batch = new PacketRecord[BATCH];
    private int pending;
    private final long samplingRate;
    private final boolean lengthFromIpHeader;
    private final SensorTap sensors;
    private final int observer;

    /**
     * @param samplingRate       each captured packet stands for this many (mirror_af_packet_custom_sampling_rate)
     * @param lengthFromIpHeader count the IP total length instead of the frame length, for mirrors that
     *                           truncate packets (af_packet_read_packet_length_from_ip_header)
     */
    public PacketCounter(CounterShard shard, long samplingRate, boolean lengthFromIpHeader) {
        this.shard = shard;
        this.samplingRate = Math.max(1, samplingRate);
        this.lengthFromIpHeader = lengthFromIpHeader;
        this.sensors = shard.sensorTap();
        // the capture interface: a fanout member's shard is "eth3#2"
        this.observer = sensors == null ? 0 : sensors.observers().id(shard.name().replaceFirst("#\\d+$", ""));
        for (int i = 0; i < BATCH; i++) {
            batch[i] = new PacketRecord();
        }
    }

    public PacketCounter(CounterShard shard) {
        this(shard, 1, false);
    }

    /**
     * Parses one frame and queues it for counting (unparsed frames are counted at once); returns
     * whether it was parsed to the IP layer. Counts reach the shard by {@link #endBatch()} at the latest.
     */
    public boolean frame(int linkType, ByteBuffer buf, int offset, int capturedLength, int wireLength, long timestampNanos) {
        PacketRecord rec = batch[pending];
        int parsed = PacketParser.parse(linkType, buf, offset, capturedLength, wireLength, rec);
        if (parsed != PacketParser.PARSED) {
            if (parsed == PacketParser.NOT_IP) {
                shard.countNotIp();
            }
            shard.countUnparsed();
            return false;
        }
        rec.timestampNanos = timestampNanos;
        if (lengthFromIpHeader && rec.ipLength > 0) {
            rec.length = rec.ipLength;
        }
        if (samplingRate != 1) {
            rec.packets = samplingRate;
            rec.bytes = (long) rec.length * samplingRate;
        } else if (lengthFromIpHeader) {
            rec.bytes = rec.length;
        }
        if (++pending == BATCH) {
            flush();
        }
        return true;
    }

    /** Counts the queued packets. */
    public void flush() {
        if (pending > 0) {
            if (sensors != null) {
                for (int i = 0; i < pending; i++) {
                    sensors.offer(batch[i], observer);
                }
            }
            shard.countBatch(batch, pending);
            pending = 0;
        }
    }

    /** The second the next packets belong to (packet time in a replay, the wall clock live). */
    public void onSecond(long epochSecond) {
        flush();
        shard.onSecond(epochSecond);
    }

    /** Counts what is queued and makes everything counted visible to the evaluator; call once per batch. */
    public void endBatch() {
        flush();
        shard.publish();
    }

    public CounterShard shard() {
        return shard;
    }
}
