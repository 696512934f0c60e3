package fastnetmon;

import fastnetmon.config.ConfigKeys;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintStream;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The man page is made from the registries: every option and every configuration key is on it. */
class ManPageTest {
    @Test
    void listsEveryOptionAndEveryKey() {
        String page = ManPage.render("fastnetmon-java", LocalDate.of(2026, 1, 2));
        assertTrue(page.startsWith(".TH FASTNETMON-JAVA 8 \"2026-01-02\" \"" + FastNetMon.Version.VERSION + "\""), page);
        PrintStream nul = new PrintStream(PrintStream.nullOutputStream());
        for (CommandLine.Model.OptionSpec o : new CommandLine(new FastNetMon(nul, nul)).getCommandSpec().options()) {
            assertTrue(page.contains(".B " + ManPage.esc(String.join(", ", o.names())) ), o.longestName());
        }
        for (ConfigKeys.Key k : ConfigKeys.all()) {
            assertTrue(page.contains(".TP\n.B " + ManPage.esc(k.name()) + "\n"), k.name());
        }
        assertTrue(page.contains("\\-\\-configuration_file"), "dashes escaped for roff");
    }

    @Test
    void roffEscapes() {
        assertTrue(ManPage.esc(".hidden").startsWith("\\&."));
        assertTrue(ManPage.esc("a\\b").equals("a\\eb"));
    }
}
