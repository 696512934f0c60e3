package fastnetmon.action;

import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.geoip.OriginLookup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;

/**
 * attack_details_folder, as FastNetMon's print_attack_details_to_file: one file per ban named by IP and
 * ban time, the description at ban, the description and sample lines appended at attack_details, each
 * followed by a blank line.
 *
 * <p>Threading: {@link #handle} runs on the registry's worker; one file per ban, so hosts never share one.
 */
public final class DetailsFileAction implements Action {
    private final Path folder;
    private final ZoneId zone;
    private final OriginLookup origins;

    /** @param folder created when missing */
    public DetailsFileAction(Path folder, ZoneId zone) {
        this(folder, zone, OriginLookup.NONE);
    }

    /** @param origins where attacks come from, for their description (GeoIP) */
    public DetailsFileAction(Path folder, ZoneId zone, OriginLookup origins) {
        this.folder = folder;
        this.zone = zone == null ? ZoneId.systemDefault() : zone;
        this.origins = origins;
    }

    @Override
    public String name() {
        return "details_file";
    }

    @Override
    public void handle(BanEvent event) throws IOException {
        Attack a = event.attack();
        String text = switch (event.kind()) {
            case BAN -> AttackText.banText(a, origins.of(a));
            case ATTACK_DETAILS -> AttackText.details(a, origins.of(a), zone);
            default -> null;
        };
        if (text == null) {
            return;
        }
        Path file = folder.resolve(AttackText.detailsFileName(a, zone));
        try {
            Files.createDirectories(folder);
            Files.writeString(file, text + "\n\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot write attack details to " + file + ": " + e.getMessage());
        }
    }
}
