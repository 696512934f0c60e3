package fastnetmon.capture;

import fastnetmon.counters.CounterShard;
import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;

import java.nio.ByteBuffer;

/**
 * One source thread's way into the pipeline: parses a frame into the thread's packet record and counts
 * it in the thread's shard. Every capture engine and the replay go through here, so they count alike.
 */
public final class PacketCounter {
    private final CounterShard shard;
    private final PacketRecord rec = new PacketRecord();
    private final long samplingRate;
    private final boolean lengthFromIpHeader;

    /**
     * @param samplingRate       each captured packet stands for this many (mirror_af_packet_custom_sampling_rate)
     * @param lengthFromIpHeader count the IP total length instead of the frame length, for mirrors that
     *                           truncate packets (af_packet_read_packet_length_from_ip_header)
     */
    public PacketCounter(CounterShard shard, long samplingRate, boolean lengthFromIpHeader) {
        this.shard = shard;
        this.samplingRate = Math.max(1, samplingRate);
        this.lengthFromIpHeader = lengthFromIpHeader;
    }

    public PacketCounter(CounterShard shard) {
        this(shard, 1, false);
    }

    /** Parses and counts one frame; returns whether it was parsed to the IP layer. */
    public boolean frame(int linkType, ByteBuffer buf, int offset, int capturedLength, int wireLength, long timestampNanos) {
        if (PacketParser.parse(linkType, buf, offset, capturedLength, wireLength, rec) != PacketParser.PARSED) {
            shard.countUnparsed();
            return false;
        }
        rec.timestampNanos = timestampNanos;
        if (lengthFromIpHeader && rec.ipLength > 0) {
            rec.length = rec.ipLength;
        }
        rec.packets = samplingRate;
        rec.bytes = (long) rec.length * samplingRate;
        shard.count(rec);
        return true;
    }

    /** The second the next packets belong to (packet time in a replay, the wall clock live). */
    public void onSecond(long epochSecond) {
        shard.onSecond(epochSecond);
    }

    /** Makes everything counted so far visible to the evaluator; call once per batch. */
    public void endBatch() {
        shard.publish();
    }

    public CounterShard shard() {
        return shard;
    }
}
