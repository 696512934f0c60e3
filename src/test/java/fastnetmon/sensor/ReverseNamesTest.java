package fastnetmon.sensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Reverse DNS through the system's resolver: /etc/hosts names loopback; TEST-NET addresses have no name. */
@Timeout(60)
class ReverseNamesTest {
    private static ThreatEvent threat(String... hosts) {
        return new ThreatEvent("portscan", "eth3", "10.10.0.5", 1_700_000_000L, List.of(hosts), Map.of("flows", 150L));
    }

    @Test
    void namesThatAnswerReplaceTheirAddressesTheOthersStay() throws Exception {
        LinkedBlockingQueue<ThreatEvent> out = new LinkedBlockingQueue<>();
        try (ReverseNames names = new ReverseNames(Duration.ofMillis(1500), out::add)) {
            names.accept(threat("127.0.0.1", "192.0.2.77"));
            ThreatEvent named = out.poll(30, TimeUnit.SECONDS);
            assertNotNull(named, "handed on");
            String loopback = java.net.InetAddress.getByName("127.0.0.1").getCanonicalHostName(); // what this machine calls it
            assertNotEquals("127.0.0.1", loopback, "this machine names loopback (/etc/hosts): the test needs a name to find");
            assertEquals(List.of(loopback, "192.0.2.77"), named.attackedHosts());
            assertEquals(threat().withHosts(named.attackedHosts()), named, "only the hosts change");
        }
    }
}
