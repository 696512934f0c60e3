package fastnetmon.mitigation;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Announces blackholes and FlowSpec rules through ExaBGP, as FastNetMon CE does: one text command per
 * line ({@link ExaBgpCommands}) into the named pipe ({@code exabgp_command_pipe}) that ExaBGP's API
 * process ({@code socat stdout pipe:/var/run/exabgp.cmd}, {@code encoder text}) reads and hands to
 * ExaBGP, which sends it to every neighbor using that process. The pipe is one-way: a command ExaBGP
 * could not parse is only in ExaBGP's log. When no process reads the pipe, a call fails at once
 * ({@link CommandPipe}); it never waits. ExaBGP needs {@code exabgp.api.ack=false}: socat never reads
 * ExaBGP's answers ("done"), and after some 13,000 commands ExaBGP 4.2 blocks for good writing them; the
 * pipe then fills and this speaker says so.
 *
 * <p>Threading: immutable; any thread, several at once; no call blocks. {@link #close} leaves what is
 * announced in force (ExaBGP keeps it as long as it runs).
 */
public final class ExaBgpSpeaker implements Speaker {
    private final CommandPipe pipe;

    /** @param commandPipe ExaBGP's command pipe (FastNetMon's default: /var/run/exabgp.cmd) */
    public ExaBgpSpeaker(Path commandPipe) {
        this.pipe = new CommandPipe(commandPipe, "is ExaBGP running with its API process (socat)?");
    }

    @Override
    public String name() {
        return "exabgp";
    }

    /** Routes and FlowSpec rules; not ipset members. */
    @Override
    public boolean carries(Announcement a) {
        return a instanceof Route || a instanceof FlowSpecRule;
    }

    @Override
    public void announce(Announcement a) throws IOException {
        send(ExaBgpCommands.announce(a));
    }

    @Override
    public void withdraw(Announcement a) throws IOException {
        send(ExaBgpCommands.withdraw(a));
    }

    private void send(String command) throws IOException {
        try {
            pipe.write(command);
        } catch (IOException e) {
            // One line for the log, naming the daemon; the stack trace would say nothing more.
            throw new IOException("exabgp: " + e.getMessage());
        }
    }
}
