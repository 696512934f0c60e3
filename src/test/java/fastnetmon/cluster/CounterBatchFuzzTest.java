package fastnetmon.cluster;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Jazzer fuzz target for {@link CounterBatch#decode}, which reads what any client of the cluster's Redis
 * may have written: an input either throws {@link CounterBatch.Malformed} (anything else fails the
 * target) or decodes into a batch that encodes to bytes decoding to the same batch.
 *
 * <p>{@code mvn test} runs the corpus in src/test/resources/fastnetmon/cluster/CounterBatchFuzzTestInputs
 * (valid batches written by {@link TestBatches#main}). .ci/run fuzzes it for a bounded time with JAZZER_FUZZ=1.
 */
class CounterBatchFuzzTest {
    private final CounterBatch batch = new CounterBatch();
    private final CounterBatch again = new CounterBatch();
    private final BatchBytes out = new BatchBytes();

    @FuzzTest(maxDuration = "15s")
    void decode(byte[] input) {
        try {
            batch.decode(input);
        } catch (CounterBatch.Malformed expected) {
            return;
        }
        byte[] encoded = batch.encode(out).toArray();
        try {
            again.decode(encoded);
        } catch (CounterBatch.Malformed e) {
            throw new AssertionError("a decoded batch encodes to a malformed one: " + e.getMessage() + " " + Arrays.toString(input));
        }
        assertArrayEquals(encoded, again.encode(out).toArray(), "decode(encode(batch)) is the batch");
    }
}
