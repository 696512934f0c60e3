package fastnetmon.export;

/**
 * What one exporter has done so far, for the metrics: a snapshot, safe to read on any thread.
 *
 * @param name    the exporter's name
 * @param pushes  calls of {@link Exporter#export} so far (successful or not)
 * @param failed  of those, the ones that threw
 * @param dropped what the exporter has given up ({@link Exporter#dropped})
 */
public record ExportStats(String name, long pushes, long failed, long dropped) {
}
