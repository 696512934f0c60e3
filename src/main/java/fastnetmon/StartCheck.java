package fastnetmon;

import fastnetmon.action.ActionSettings;
import fastnetmon.amqp.AmqpSettings;
import fastnetmon.action.MailSettings;
import fastnetmon.action.NotifyScript;
import fastnetmon.cluster.ClusterSettings;
import fastnetmon.config.Configuration;
import fastnetmon.config.PresentationSettings;
import fastnetmon.mitigation.BgpSettings;
import fastnetmon.mitigation.IpsetSettings;
import fastnetmon.sensor.SensorSettings;
import fastnetmon.source.CaptureSettings;
import fastnetmon.source.SourceException;
import fastnetmon.source.flow.FlowSettings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code --configuration_check} checks beyond loading the file: what a start would need. A capture
 * engine or a flow collector is on; the interfaces (named, configured, or the default route's) exist;
 * the notify script exists and is executable; the ports to serve are free. Each problem is one line.
 */
final class StartCheck {
    private StartCheck() {
    }

    /**
     * What a start would go on without, one line each: a part switched on whose settings cannot work (mail
     * with no recipient, say), which the detector leaves off and says so in its log.
     */
    static List<String> warnings(Configuration config) {
        List<String> warnings = new ArrayList<>();
        MailSettings.from(config).problem().ifPresent(p -> warnings.add(p + ": the detector would run without mail"));
        BgpSettings.exabgp(config).problem().ifPresent(p -> warnings.add(p + ": the detector would announce nothing through ExaBGP"));
        BgpSettings.gobgp(config).problem().ifPresent(p -> warnings.add(p + ": the detector would announce nothing through GoBGP"));
        IpsetSettings.from(config).problem().ifPresent(p -> warnings.add(p + ": the detector would add nothing to ipsets"));
        SensorSettings.from(config).problem().ifPresent(p -> warnings.add(p + ": that sensor would be off"));
        AmqpSettings.from(config).problem().ifPresent(p -> warnings.add(p + ": the detector would publish no threat to AMQP"));
        return warnings;
    }

    /** The problems a live start with this configuration and these interfaces (may be empty) would meet. */
    static List<String> problems(Configuration config, List<String> interfaces) {
        List<String> problems = new ArrayList<>();
        boolean engine = CaptureSettings.from(config).anyEngineOn();
        boolean collector;
        try {
            collector = FlowSettings.from(config).any();
        } catch (SourceException e) { // a bad sflow_port or netflow_port: the collector is on, it could not start
            problems.add(e.getMessage());
            collector = true;
        }
        ClusterSettings cluster = ClusterSettings.from(config);
        cluster.problem().ifPresent(problems::add);
        if (!engine && !collector && cluster.role() != ClusterSettings.Role.AGGREGATOR) {
            problems.add("no capture engine or flow collector is on (mirror_afpacket, pcap or pfring)");
        }
        if (engine) {
            List<String> ifaces = interfaces.isEmpty() ? DefaultRoute.interfaces() : interfaces;
            if (ifaces.isEmpty()) {
                problems.add("no interface named or configured (interfaces), and no default route to take one from");
            }
            for (String i : ifaces) {
                if (!Files.exists(Path.of("/sys/class/net", i))) {
                    problems.add("interface " + i + " does not exist");
                }
            }
        }
        ActionSettings actions = ActionSettings.from(config);
        if (actions.scriptEnabled()) {
            NotifyScript.problem(actions.scriptPath()).ifPresent(problems::add);
        }
        PresentationSettings served = PresentationSettings.from(config);
        portFree("prometheus", served.metrics(), problems);
        portFree("api", served.api(), problems);
        portFree("grpc_api", served.grpc(), problems);
        return problems;
    }

    /** Adds a problem when the endpoint is on and its address cannot be bound. */
    private static void portFree(String key, PresentationSettings.Endpoint at, List<String> problems) {
        if (!at.enabled()) {
            return;
        }
        String where = at.where();
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(at.host()), at.port()));
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().startsWith("Address already in use")
                    ? "is in use (is fastnetmon running already?)" : "cannot be served: " + e.getMessage();
            problems.add(key + "_host:" + key + "_port " + where + " " + why);
        }
    }
}
