package fastnetmon.api;

import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.Evaluator;
import fastnetmon.detection.TrafficView;
import fastnetmon.geoip.GeoIp;
import fastnetmon.networks.PrefixMatcher;
import fastnetmon.cluster.SensorStatus;
import fastnetmon.sensor.ThreatEvent;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@link DetectorAccess} over an evaluator: calls that touch its state are submitted to the executor
 * that runs its ticks, so they never race with a tick.
 */
public final class EvaluatorAccess implements DetectorAccess {
    /** How long a manual ban collects sample packets before attack_details goes out with what it has. */
    static final long MANUAL_DETAILS_WAIT_SECONDS = 5;

    private final Evaluator evaluator;
    private final ExecutorService evaluatorThread;
    private final PrefixMatcher monitored;
    private final LongSupplier received;
    private final LongSupplier dropped;
    private final GeoIp geoIp;
    private final Supplier<List<ThreatEvent>> threats;
    private final Supplier<List<SensorStatus>> sensors;

    public EvaluatorAccess(Evaluator evaluator, ExecutorService evaluatorThread, PrefixMatcher monitored,
                           LongSupplier received, LongSupplier dropped) {
        this(evaluator, evaluatorThread, monitored, received, dropped, GeoIp.NONE);
    }

    /** @param geoIp the detector's GeoIP databases ({@link GeoIp#NONE}: none) */
    public EvaluatorAccess(Evaluator evaluator, ExecutorService evaluatorThread, PrefixMatcher monitored,
                           LongSupplier received, LongSupplier dropped, GeoIp geoIp) {
        this(evaluator, evaluatorThread, monitored, received, dropped, geoIp, List::of);
    }

    /** @param threats the abuse sensors' last threats, newest first */
    public EvaluatorAccess(Evaluator evaluator, ExecutorService evaluatorThread, PrefixMatcher monitored,
                           LongSupplier received, LongSupplier dropped, GeoIp geoIp, Supplier<List<ThreatEvent>> threats) {
        this(evaluator, evaluatorThread, monitored, received, dropped, geoIp, threats, List::of);
    }

    /** @param sensors the cluster's sensors as this aggregator sees them (empty: not an aggregator) */
    public EvaluatorAccess(Evaluator evaluator, ExecutorService evaluatorThread, PrefixMatcher monitored,
                           LongSupplier received, LongSupplier dropped, GeoIp geoIp, Supplier<List<ThreatEvent>> threats,
                           Supplier<List<SensorStatus>> sensors) {
        this.threats = threats;
        this.sensors = sensors;
        this.evaluator = evaluator;
        this.evaluatorThread = evaluatorThread;
        this.monitored = monitored;
        this.received = received;
        this.dropped = dropped;
        this.geoIp = geoIp;
    }

    @Override
    public GeoIp geoIp() {
        return geoIp;
    }

    @Override
    public List<ThreatEvent> threats() {
        return threats.get();
    }

    @Override
    public List<SensorStatus> sensors() {
        return sensors.get();
    }

    @Override
    public TrafficView view() {
        return evaluator.view();
    }

    @Override
    public long packetsReceived() {
        return received.getAsLong();
    }

    @Override
    public long packetsDropped() {
        return dropped.getAsLong();
    }

    @Override
    public boolean monitored(long hi, long lo) {
        return monitored.lookup(hi, lo) >= 0;
    }

    @Override
    public HostTraffic average(long hi, long lo) throws DetectorUnavailableException {
        return onEvaluator(() -> evaluator.averageOf(hi, lo));
    }

    @Override
    public Attack banOf(long hi, long lo) throws DetectorUnavailableException {
        return onEvaluator(() -> evaluator.banOf(hi, lo));
    }

    @Override
    public List<Attack> bans() throws DetectorUnavailableException {
        return onEvaluator(() -> List.copyOf(evaluator.activeBans()));
    }

    @Override
    public Attack ban(long hi, long lo, Direction direction) throws DetectorUnavailableException {
        return onEvaluator(() -> evaluator.manualBan(hi, lo, direction, System.currentTimeMillis() * 1_000_000L,
                MANUAL_DETAILS_WAIT_SECONDS));
    }

    @Override
    public Attack unban(long hi, long lo) throws DetectorUnavailableException {
        return onEvaluator(() -> evaluator.manualUnban(hi, lo));
    }

    private <T> T onEvaluator(Callable<T> call) throws DetectorUnavailableException {
        try {
            Future<T> f = evaluatorThread.submit(call);
            return f.get(5, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            throw new DetectorUnavailableException("the detector is stopping");
        } catch (TimeoutException e) {
            throw new DetectorUnavailableException("the detector's evaluator did not answer within 5 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DetectorUnavailableException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
