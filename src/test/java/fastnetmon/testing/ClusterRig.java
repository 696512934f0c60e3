package fastnetmon.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Several monitored links ({@link NetnsRig}s), one per sensor, whose monitor namespaces reach one address
 * of this machine's, the hub: a /32 on this machine's loopback interface, in the benchmarking range
 * (198.18.0.0/15), where the tests' Redis servers listen. Each monitor namespace has a route to the hub
 * alone, over its link to this machine ({@link NetnsRig#linkToHost}); nothing else is routed, so the
 * floods stay on their links.
 */
public final class ClusterRig implements AutoCloseable {
    public final List<NetnsRig> links = new ArrayList<>();
    /** The hub address, e.g. 198.18.23.45. */
    public final String hub;

    private ClusterRig(String hub) {
        this.hub = hub;
    }

    public static ClusterRig create(int links) throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        ClusterRig r = new ClusterRig("198.18." + ((pid >> 8) & 0xff) + "." + Math.max(1, Math.min(254, pid & 0xff)));
        try {
            NetnsRig.sh("ip", "addr", "del", r.hub + "/32", "dev", "lo");
            NetnsRig.run("ip", "addr", "add", r.hub + "/32", "dev", "lo");
            for (int i = 0; i < links; i++) {
                NetnsRig link = NetnsRig.create();
                r.links.add(link);
                String host = link.linkToHost();
                NetnsRig.run("ip", "-n", link.mon, "route", "add", r.hub + "/32", "via", host, "dev", "ctl0");
            }
            return r;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            r.close();
            throw e;
        }
    }

    @Override
    public void close() {
        links.forEach(NetnsRig::close);
        NetnsRig.sh("ip", "addr", "del", hub + "/32", "dev", "lo");
    }
}
