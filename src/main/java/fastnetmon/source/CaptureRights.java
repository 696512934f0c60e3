package fastnetmon.source;

import java.nio.file.Path;

/** What to tell an operator whose capture lacks the rights for raw sockets. Stateless; any thread. */
public final class CaptureRights {
    private CaptureRights() {
    }

    /**
     * "setcap cap_net_raw,cap_net_admin+eip /usr/lib/jvm/.../bin/java": the real path of this JVM's
     * executable, since setcap does not follow /usr/bin/java's symlinks.
     */
    public static String setcapCommand() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        try {
            java = Path.of(java).toRealPath().toString();
        } catch (Exception e) {
            // keep the path as the process reports it
        }
        return "setcap cap_net_raw,cap_net_admin+eip " + java;
    }
}
