package fastnetmon;

import fastnetmon.cluster.AggregatorLease;
import fastnetmon.cluster.ClusterFeed;
import fastnetmon.cluster.ClusterFigures;
import fastnetmon.cluster.ClusterSettings;
import fastnetmon.cluster.LeaseGate;
import fastnetmon.cluster.SensorPublisher;
import fastnetmon.cluster.SensorStatus;
import fastnetmon.detection.BanListener;
import fastnetmon.detection.Evaluator;
import fastnetmon.redis.RedisLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The cluster part of a live detector ({@code cluster_role}): nothing when standalone; for a sensor, the
 * publisher that reads its shards and sends their counts to Redis; for an aggregator, the lease that makes
 * it the active one (a standby waits for it in {@link #awaitLease} before anything starts) and the feed
 * that turns every sensor's counts into counters its evaluator reads.
 *
 * <p>Threading: started and closed on the thread that runs the live mode; {@link #sensors()} from any thread.
 */
final class ClusterRole implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterRole.class);

    private final ClusterSettings settings;
    private final RedisLink link;
    private AggregatorLease lease;
    /** An aggregator's ban events on their way to the actions, once its evaluator exists. */
    private LeaseGate gate; // guarded by this
    private String unsureWhy; // guarded by this: not null while the lease is not sure
    private volatile SensorPublisher publisher;
    private volatile ClusterFeed feed;

    ClusterRole(ClusterSettings settings) {
        this.settings = settings;
        this.link = settings.role() == ClusterSettings.Role.STANDALONE ? null
                : new RedisLink(settings.redis(), "cluster " + settings.role().text(), () -> { });
    }

    ClusterSettings.Role role() {
        return settings.role();
    }

    /**
     * An aggregator's wait for the lease: returns true once it holds it (the active aggregator), false when
     * a stop was asked first. {@code lost} runs (on the lease's thread) if the lease is lost later: the
     * aggregator then stops, so that two never act at once; a supervisor restarts it as a standby.
     */
    boolean awaitLease(CountDownLatch stopRequested, Runnable lost) throws InterruptedException {
        String owner = settings.sensorName() + ":" + ProcessHandle.current().pid();
        CountDownLatch acquired = new CountDownLatch(1);
        lease = new AggregatorLease(link, settings.leaseKey(), owner, settings.leaseTime(), new AggregatorLease.Listener() {
            @Override
            public void acquired() {
                acquired.countDown();
            }

            @Override
            public void unsure(String why) {
                synchronized (ClusterRole.this) {
                    unsureWhy = why;
                    if (gate != null) {
                        gate.hold(why);
                    }
                }
            }

            @Override
            public void confirmed() {
                synchronized (ClusterRole.this) {
                    unsureWhy = null;
                    if (gate != null) {
                        gate.release();
                    }
                }
            }

            @Override
            public void lost(String why) {
                log.error("cluster: lost the aggregator lease ({}); stopping so that the other aggregator acts alone", why);
                synchronized (ClusterRole.this) {
                    if (gate != null) {
                        gate.close();
                    }
                }
                lost.run();
            }
        });
        lease.start();
        if (!acquired.await(settings.leaseTime().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
            log.info("cluster: standby aggregator ({}): waiting for the lease {} in {}", owner, settings.leaseKey(),
                    settings.redis().describe());
        }
        while (!acquired.await(200, TimeUnit.MILLISECONDS)) {
            if (stopRequested.getCount() == 0) {
                return false;
            }
        }
        log.info("cluster: active aggregator ({}): holding the lease {}", owner, settings.leaseKey());
        return true;
    }

    /**
     * What the evaluator's ban events go through on their way to {@code actions}: an aggregator's lease
     * gate (held back while the lease is not sure), or the actions themselves.
     */
    synchronized BanListener gate(BanListener actions) {
        if (settings.role() != ClusterSettings.Role.AGGREGATOR) {
            return actions;
        }
        gate = new LeaseGate(actions);
        if (unsureWhy != null) {
            gate.hold(unsureWhy);
        }
        return gate;
    }

    /** A sensor's publisher over the detector's shards (those made later too). */
    void startSensor(Detector detector, long tickNanos) {
        publisher = new SensorPublisher(settings, link, detector.shards(), detector.trackingLimits(), tickNanos);
        publisher.start();
        log.info("cluster: sensor {} publishing to {} ({} partitions)", settings.sensorName(), settings.redis().describe(),
                settings.partitions());
    }

    /** An aggregator's feed: every sensor's counters join the evaluator as they first publish. */
    void startAggregator(Detector detector, Evaluator evaluator) {
        feed = new ClusterFeed(settings, link, evaluator::addCounters, detector.maxTrackedHosts(), detector.monitoredNetworks());
        feed.start();
        log.info("cluster: aggregating the sensors' counters from {} ({} partitions)", settings.redis().describe(),
                settings.partitions());
    }

    /** The sensors an aggregator hears from (empty otherwise). */
    List<SensorStatus> sensors() {
        ClusterFeed f = feed;
        return f == null ? List.of() : f.sensors();
    }

    /** The metrics' figures: an aggregator's sensors, or a sensor's publisher. */
    ClusterFigures figures() {
        SensorPublisher p = publisher;
        LeaseGate g;
        synchronized (this) {
            g = gate;
        }
        return new ClusterFigures(sensors(), p == null ? null : p.stats(), g == null ? 0 : g.heldCount(), g == null ? 0 : g.dropped());
    }

    /** Stops the publisher (after its last batch) or the feed, then releases the lease (a standby takes over at once). */
    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
        }
        if (feed != null) {
            feed.close();
        }
        if (lease != null) {
            lease.close();
        }
        if (link != null) {
            link.close();
        }
    }
}
