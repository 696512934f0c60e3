package fastnetmon.cluster;

import fastnetmon.counters.HostCounters;
import fastnetmon.counters.MonitoredNetworks;
import fastnetmon.redis.RedisLink;
import fastnetmon.redis.RedisSettings;
import fastnetmon.redis.RepeatedFailure;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The aggregator's side of the cluster: reads every partition's stream of counter batches from Redis,
 * hands each batch to its sensor's {@link SensorCounters} (made on the sensor's first batch of a kind and
 * given to {@code newCounters}, the evaluator's {@code addCounters}), follows each sensor
 * ({@link SensorTrack}: batches, lost and malformed ones, up or down, one log line each way) and writes
 * the evaluator's sample requests ({@link WantedSamples}) to the hash the sensors read.
 *
 * <p>Each round reads all partitions at once (XREAD without BLOCK, {@value #COUNT} entries each, one
 * command per stream: a Redis Cluster may hold them in different slots), each bounded by the command
 * timeout; the next round follows at once when a read brought entries, after {@value #IDLE_MILLIS} ms
 * when none did. It starts {@code cluster_max_lag} back (an aggregator that starts or takes over fills
 * its window), then goes on from the last entry read per stream, also after Redis was away (rounds then
 * back off up to {@value #MAX_BACKOFF_MILLIS} ms; failures said once a minute).
 *
 * <p>Threading: {@link #start} and {@link #close} from the owner's thread; the rounds run on the daemon
 * thread "cluster-feed"; {@link #sensors()} and {@link #sampleRequests()} are safe from any thread.
 */
public final class ClusterFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterFeed.class);
    static final int COUNT = 256;
    static final long IDLE_MILLIS = 10;
    static final long MAX_BACKOFF_MILLIS = 2000;
    /** Sensors followed at most (a stream full of made-up names cannot grow the aggregator without bound). */
    static final int MAX_SENSORS = 1024;
    private static final long STATUS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ClusterSettings settings;
    private final RedisLink link;
    private final Consumer<HostCounters> newCounters;
    private final int maxHosts;
    private final MonitoredNetworks networks;
    private final LongSupplier wallNanos = () -> System.currentTimeMillis() * 1_000_000L;
    private final WantedSamples requests = new WantedSamples();
    private final byte[][] keys;
    private final String[] lastIds;
    private final RepeatedFailure failures;
    private final RepeatedFailure unattributed;
    // The feed's thread only.
    private final Map<String, SensorTrack> sensors = new HashMap<>();
    private final CounterBatch header = new CounterBatch();
    private long statusNanos;
    private volatile List<SensorStatus> statuses = List.of();
    private volatile boolean running;
    private Thread thread;

    /** With no monitored networks' totals; see {@link #ClusterFeed(ClusterSettings, RedisLink, Consumer, int, MonitoredNetworks)}. */
    public ClusterFeed(ClusterSettings settings, RedisLink link, Consumer<HostCounters> newCounters, int maxHosts) {
        this(settings, link, newCounters, maxHosts, MonitoredNetworks.NONE);
    }

    /**
     * @param newCounters takes each sensor's counters as they come (the evaluator's {@code addCounters})
     * @param maxHosts    hosts each sensor's counters hold at most
     * @param networks    the monitored networks, in the order the sensors' totals give them (networks_list)
     */
    public ClusterFeed(ClusterSettings settings, RedisLink link, Consumer<HostCounters> newCounters, int maxHosts,
                       MonitoredNetworks networks) {
        this.settings = settings;
        this.link = link;
        this.newCounters = newCounters;
        this.maxHosts = maxHosts;
        this.networks = networks;
        this.keys = new byte[settings.partitions()][];
        this.lastIds = new String[settings.partitions()];
        for (int p = 0; p < keys.length; p++) {
            keys[p] = settings.streamKey(p).getBytes(StandardCharsets.UTF_8);
        }
        this.failures = new RepeatedFailure(log, link.settings().describe() + ", cluster counter streams");
        this.unattributed = new RepeatedFailure(log, "cluster: malformed stream entry dropped");
    }

    /** Starts reading, {@code cluster_max_lag} back from now. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        String from = Math.max(0, System.currentTimeMillis() - settings.maxLag().toMillis()) + "-0";
        java.util.Arrays.fill(lastIds, from);
        running = true;
        thread = new Thread(this::run, "cluster-feed");
        thread.setDaemon(true);
        thread.start();
    }

    /** Every sensor seen so far, by name: an immutable snapshot at most 100 ms old. */
    public List<SensorStatus> sensors() {
        return statuses;
    }

    /** The sample requests the feed writes to Redis (every sensor's counters forward theirs here). */
    public WantedSamples wantedSamples() {
        return requests;
    }

    private void run() {
        long backoff = 0;
        while (running) {
            boolean read;
            try {
                read = round();
                if (backoff > 0) {
                    failures.recovered("reading the counter streams again");
                    backoff = 0;
                }
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                requests.forgetWritten();
                failures.failed(e instanceof InterruptedException ? "interrupted" : RedisLink.reason(e));
                backoff = Math.min(MAX_BACKOFF_MILLIS, Math.max(50, backoff * 2));
                read = false;
                if (!pause(backoff)) {
                    break;
                }
            }
            follow(System.nanoTime());
            if (!read && !pause(IDLE_MILLIS)) {
                break;
            }
        }
    }

    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** One round: every stream read once, what came handed on, sample requests written; true when entries came. */
    private boolean round() throws Exception {
        RedisClusterAsyncCommands<byte[], byte[]> redis = link.binaryCommands();
        if (redis == null) {
            throw new IllegalStateException("Redis cannot be reached");
        }
        List<RedisFuture<List<StreamMessage<byte[], byte[]>>>> reads = new ArrayList<>(keys.length);
        for (int p = 0; p < keys.length; p++) {
            reads.add(redis.xread(XReadArgs.Builder.count(COUNT), XReadArgs.StreamOffset.from(keys[p], lastIds[p])));
        }
        boolean any = false;
        Exception failed = null;
        long timeout = RedisSettings.TIMEOUT.toMillis();
        for (int p = 0; p < keys.length; p++) {
            try {
                for (StreamMessage<byte[], byte[]> m : reads.get(p).get(timeout, TimeUnit.MILLISECONDS)) {
                    entry(p, m.getBody());
                    lastIds[p] = m.getId();
                    any = true;
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                failed = e; // the other partitions' entries are taken still
            }
        }
        if (failed != null) {
            throw failed;
        }
        requests.writeTo(link, settings.sampleRequestsKey());
        return any;
    }

    /** One stream entry: its field "b" is a batch. */
    private void entry(int partition, Map<byte[], byte[]> body) {
        byte[] data = null;
        for (Map.Entry<byte[], byte[]> f : body.entrySet()) {
            if (f.getKey().length == 1 && f.getKey()[0] == 'b') {
                data = f.getValue();
            }
        }
        if (data == null) {
            unattributed.failed("partition " + partition + ": an entry without a field b");
            return;
        }
        long now = System.nanoTime();
        try {
            header.decodeHeader(data);
        } catch (CounterBatch.Malformed e) {
            unattributed.failed("partition " + partition + ": " + e.getMessage());
            return;
        }
        SensorTrack t = sensors.get(header.sensor);
        if (t == null) {
            if (sensors.size() >= MAX_SENSORS) {
                unattributed.failed("sensor " + header.sensor + ": " + MAX_SENSORS + " sensors are followed already");
                return;
            }
            String name = header.sensor;
            t = new SensorTrack(name, whole -> counters(name, whole), now);
            sensors.put(name, t);
            log.info("cluster sensor {}: first batch", name);
        }
        if (header.partition != partition) {
            t.malformed(now);
            unattributed.failed("sensor " + header.sensor + ": a batch of partition " + header.partition
                    + " in partition " + partition + "'s stream");
            return;
        }
        t.received(header, data, now);
    }

    private SensorCounters counters(String sensor, boolean wholeSeconds) {
        SensorCounters c = new SensorCounters(sensor, wholeSeconds, maxHosts, requests, networks, settings.maxLag(), wallNanos);
        newCounters.accept(c);
        return c;
    }

    /** Says which sensors went down or came back, and renews the snapshot when one did or when due. */
    private void follow(long nowNanos) {
        long timeout = settings.sensorTimeout().toNanos();
        boolean changed = false;
        for (SensorTrack t : sensors.values()) {
            Boolean up = t.checkUp(nowNanos, timeout);
            if (up == null) {
                continue;
            }
            changed = true;
            if (up) {
                log.info("cluster sensor {}: batches come again", t.name);
            } else {
                log.warn("cluster sensor {}: down, no batch for {} s", t.name, t.silentSeconds(nowNanos));
            }
        }
        if (changed || nowNanos - statusNanos >= STATUS_EVERY_NANOS) {
            statusNanos = nowNanos;
            List<SensorStatus> list = new ArrayList<>(sensors.size());
            for (SensorTrack t : sensors.values()) {
                list.add(t.status(nowNanos));
            }
            list.sort(Comparator.comparing(SensorStatus::name));
            statuses = List.copyOf(list);
        }
    }

    /** Stops reading (bounded by a command's timeout); the link stays open (its owner closes it). */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(RedisSettings.TIMEOUT.toMillis() * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
