package fastnetmon;

import fastnetmon.action.NotifyScript;
import fastnetmon.api.ApiServer;
import fastnetmon.api.grpc.GrpcApiServer;
import fastnetmon.config.ConfigKeys;
import fastnetmon.config.Configuration;

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
    /** Flow collector switches, when this version has them (FastNetMon's names). */
    private static final List<String> COLLECTORS = List.of("sflow", "netflow");

    private StartCheck() {
    }

    /** The problems a live start with this configuration and these interfaces (may be empty) would meet. */
    static List<String> problems(Configuration config, List<String> interfaces) {
        List<String> problems = new ArrayList<>();
        boolean engine = FastNetMon.captureEngineOn(config);
        boolean collector = COLLECTORS.stream().anyMatch(k -> ConfigKeys.get(k) != null
                && ConfigKeys.get(k).type() == ConfigKeys.Type.BOOL && config.getBoolean(k));
        if (!engine && !collector) {
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
        if (config.getBoolean("notify_script_enabled")) {
            NotifyScript.problem(config.getPath("notify_script_path")).ifPresent(problems::add);
        }
        if (config.getBoolean("prometheus")) {
            portFree("prometheus", config.getString("prometheus_host"), config.getInt("prometheus_port"), problems);
        }
        if (ApiServer.enabled(config)) {
            portFree("api", config.getString("api_host"), config.getInt("api_port"), problems);
        }
        if (GrpcApiServer.enabled(config)) {
            portFree("grpc_api", config.getString("grpc_api_host"), config.getInt("grpc_api_port"), problems);
        }
        return problems;
    }

    private static void portFree(String key, String host, int port, List<String> problems) {
        String where = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().startsWith("Address already in use")
                    ? "is in use (is fastnetmon running already?)" : "cannot be served: " + e.getMessage();
            problems.add(key + "_host:" + key + "_port " + where + " " + why);
        }
    }
}
