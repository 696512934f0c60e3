package fastnetmon.export;

import fastnetmon.counters.Direction;
import fastnetmon.detection.TrafficView;
import fastnetmon.detection.TrafficView.HostRate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hosts whose rates the time-series exports push: every host of the view's top lists (each direction,
 * each sort key), once. A bounded set: at most 2 directions x 3 sort keys x the top lists' length. A host
 * has the rates of the directions in whose lists it stands; the other direction is null (unknown, not zero).
 */
record ActiveHosts(List<Host> hosts) {

    /** One host with its incoming and outgoing rates (either may be null). */
    record Host(String ip, HostRate incoming, HostRate outgoing) {
        HostRate rate(Direction direction) {
            return direction == Direction.INCOMING ? incoming : outgoing;
        }

        boolean ipv6() {
            return ip.indexOf(':') >= 0;
        }
    }

    static ActiveHosts of(TrafficView view) {
        Map<String, HostRate[]> byIp = new LinkedHashMap<>();
        for (Direction direction : Direction.PER_HOST) {
            for (HostRate rate : view.busiest(direction, Integer.MAX_VALUE)) {
                byIp.computeIfAbsent(rate.ip(), ip -> new HostRate[2])[direction.hostIndex()] = rate;
            }
        }
        List<Host> hosts = new ArrayList<>(byIp.size());
        byIp.forEach((ip, rates) -> hosts.add(new Host(ip, rates[0], rates[1])));
        return new ActiveHosts(List.copyOf(hosts));
    }
}
