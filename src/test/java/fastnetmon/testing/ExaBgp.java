package fastnetmon.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real ExaBGP 4 for the tests, configured as the README tells an operator: its API process a socat that
 * reads the command pipe ({@link #pipe}), ack and the CLI pipes off, one neighbor: a {@link Bird} listening
 * on loopback. Runs in the foreground, its output in {@code exabgp.log} in its folder.
 */
public final class ExaBgp implements AutoCloseable {
    private final Path pipe;
    private final Path log;
    private final Process process;

    private ExaBgp(Path pipe, Path log, Process process) {
        this.pipe = pipe;
        this.log = log;
        this.process = process;
    }

    /** The README's exabgp.conf, with the test's pipe and BIRD's port (BIRD listens on 127.0.0.1:birdPort as AS 65001). */
    public static String config(Path pipe, int birdPort) {
        return "process fastnetmon {\n"
                + "    run /usr/bin/socat stdout pipe:" + pipe + ";\n"
                + "    encoder text;\n"
                + "}\n"
                + "neighbor 127.0.0.1 {\n"
                + "    router-id 127.0.0.2;\n"
                + "    local-address 127.0.0.1;\n"
                + "    local-as 65000;\n"
                + "    peer-as 65001;\n"
                + "    connect " + birdPort + ";\n"
                + "    family {\n        ipv4 unicast;\n        ipv6 unicast;\n        ipv4 flow;\n        ipv6 flow;\n    }\n"
                + "    api {\n        processes [ fastnetmon ];\n    }\n"
                + "}\n";
    }

    /**
     * Starts ExaBGP in {@code dir} peering with the protocol {@code birdProtocol} of {@code bird} (listening
     * on {@code birdPort}) and waits (up to 30 s) until BIRD says the session is established.
     */
    public static ExaBgp start(Path dir, Bird bird, String birdProtocol, int birdPort) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path pipe = dir.resolve("exabgp.cmd");
        Path conf = dir.resolve("exabgp.conf");
        Path log = dir.resolve("exabgp.log");
        Files.writeString(conf, config(pipe, birdPort));
        ProcessBuilder pb = new ProcessBuilder("exabgp", conf.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of(
                "exabgp.daemon.user", System.getProperty("user.name"),
                "exabgp.daemon.daemonize", "false",
                "exabgp.log.destination", "stdout",
                // no CLI pipes in /run/exabgp; no answers to socat, which never reads them (see the README's exabgp.env)
                "exabgp.api.cli", "false",
                "exabgp.api.ack", "false"));
        ExaBgp exa = new ExaBgp(pipe, log, pb.start());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!bird.established(birdProtocol) || !Files.exists(pipe)) {
            if (!exa.process.isAlive() || System.nanoTime() > deadline) {
                exa.close();
                throw new IOException("ExaBGP did not establish its session with BIRD: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return exa;
    }

    /** The command pipe socat reads (exabgp_command_pipe). */
    public Path pipe() {
        return pipe;
    }

    public Path log() {
        return log;
    }

    /** Stops ExaBGP (which stops its socat; any child left is killed). */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        Daemons.stop(process);
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
