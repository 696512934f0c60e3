package fastnetmon.action;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fastnetmon.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The e-mail keys, what makes them unusable (one line naming the key), and the registry's mail action. */
class MailSettingsTest {
    @TempDir
    Path dir;

    private Configuration config(String lines) throws Exception {
        Files.writeString(dir.resolve("nets"), "10.0.0.0/8\n");
        Path f = dir.resolve("fastnetmon.conf");
        Files.writeString(f, "networks_list_path = nets\nwhite_list_path =\nnotify_script_enabled = off\n"
                + "attack_details_folder =\n" + lines);
        return Configuration.load(f);
    }

    @Test
    void readsEveryEmailKey() throws Exception {
        MailSettings s = MailSettings.from(config("email_notifications = on\nemail_smtp_host = smtp.example.com\n"
                + "email_smtp_port = 587\nemail_smtp_tls = on\nemail_smtp_user = fnm\nemail_smtp_password = s3cret\n"
                + "email_from = ddos@example.com\nemail_to = noc@example.com, oncall@example.org\nemail_smtp_timeout = 12\n"));
        assertEquals(new MailSettings(true, "smtp.example.com", 587, true, false, "fnm", "s3cret", "ddos@example.com",
                List.of("noc@example.com", "oncall@example.org"), Duration.ofSeconds(12)), s);
        assertTrue(s.authenticates());
        assertEquals(Optional.empty(), s.problem());
        assertFalse(s.toString().contains("s3cret"), s.toString());

        MailSettings defaults = MailSettings.from(config(""));
        assertEquals(new MailSettings(false, "127.0.0.1", 25, false, false, "", "", "fastnetmon@localhost", List.of(),
                Duration.ofSeconds(30)), defaults);
        assertEquals(Optional.empty(), defaults.problem(), "mail off: nothing else is looked at");
    }

    @Test
    void aBadSettingIsOneLineNamingTheKey() throws Exception {
        assertEquals(Optional.of("email_to is empty: no one to mail bans to"),
                MailSettings.from(config("email_notifications = on\n")).problem());
        assertEquals(Optional.of("email_to 'noc at example.com' is not an e-mail address (user@example.com)"),
                MailSettings.from(config("email_notifications = on\nemail_to = a@example.com, noc at example.com\n")).problem());
        assertEquals(Optional.of("email_from 'FastNetMon <ddos@example.com>' is not an e-mail address (user@example.com)"),
                MailSettings.from(config("email_notifications = on\nemail_to = a@example.com\n"
                        + "email_from = FastNetMon <ddos@example.com>\n")).problem());
        assertTrue(MailSettings.from(config("email_notifications = on\nemail_to = a@example.com\nemail_smtp_tls = on\n"
                + "email_smtp_implicit_tls = on\n")).problem().orElseThrow().startsWith("email_smtp_tls and email_smtp_implicit_tls are both on"));
        assertTrue(MailSettings.isAddress("fastnetmon@localhost"));
        assertTrue(MailSettings.isAddress("first.last+ddos@mail.example.co.uk"));
        for (String bad : List.of("@example.com", "a@", "a@@b", "a b@example.com", "a@example..com", ".a@example.com",
                "a@example.com\r\nBcc: x@y.z", "a@-example.com")) {
            assertFalse(MailSettings.isAddress(bad), bad);
        }
    }

    @Test
    void theRegistryMailsWhenTheSettingsAreGoodAndSaysWhyNotWhenTheyAreNot() throws Exception {
        ActionRegistry on = ActionRegistry.forReplay(config("email_notifications = on\nemail_to = noc@example.com\n"));
        try {
            assertEquals(List.of("script", "mail"), on.stats().stream().map(ActionStats::name).toList());
            assertEquals(MailAction.THREADS, on.stats().get(1).maxRunning());
        } finally {
            on.close();
        }
        ActionRegistry off = ActionRegistry.forReplay(config("email_to = noc@example.com\n"));
        try {
            assertEquals(List.of("script"), off.stats().stream().map(ActionStats::name).toList());
        } finally {
            off.close();
        }
        ListAppender<ILoggingEvent> logs = Fixtures.capture(ActionRegistry.class);
        ActionRegistry bad = ActionRegistry.forReplay(config("email_notifications = on\n"));
        try {
            assertEquals(List.of("script"), bad.stats().stream().map(ActionStats::name).toList(), "no mail action");
            assertEquals(List.of("ERROR email_to is empty: no one to mail bans to: no ban will be mailed"), Fixtures.messages(logs));
        } finally {
            Fixtures.release(ActionRegistry.class, logs);
            bad.close();
        }
    }
}
