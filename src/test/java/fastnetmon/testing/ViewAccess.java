package fastnetmon.testing;

import fastnetmon.api.DetectorAccess;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.TrafficView;
import fastnetmon.geoip.GeoIp;

/** A detector that shows a fixed view (its bans are also what {@link #banOf} finds) with these GeoIP databases. */
public final class ViewAccess implements DetectorAccess {
    private final TrafficView view;
    private final GeoIp geo;

    public ViewAccess(TrafficView view, GeoIp geo) {
        this.view = view;
        this.geo = geo;
    }

    @Override
    public TrafficView view() {
        return view;
    }

    @Override
    public GeoIp geoIp() {
        return geo;
    }

    @Override
    public long packetsReceived() {
        return 1000;
    }

    @Override
    public long packetsDropped() {
        return 10;
    }

    @Override
    public boolean monitored(long hi, long lo) {
        return true;
    }

    @Override
    public HostTraffic average(long hi, long lo) {
        return banOf(hi, lo) == null ? null : new HostTraffic();
    }

    @Override
    public Attack banOf(long hi, long lo) {
        return view.bans().stream().filter(a -> a.ipHi == hi && a.ipLo == lo).findFirst().orElse(null);
    }

    @Override
    public Attack ban(long hi, long lo, Direction direction) {
        return null;
    }

    @Override
    public Attack unban(long hi, long lo) {
        return null;
    }
}
