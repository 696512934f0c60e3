package fastnetmon.detection;

import fastnetmon.config.HostGroup;
import fastnetmon.config.Thresholds;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostIndex;
import fastnetmon.counters.HostTraffic;
import fastnetmon.counters.TrafficClass;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.IpAddresses;
import fastnetmon.networks.PrefixMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The once-a-second stage: reads every shard's cumulative counters, turns the differences into the
 * last second's per-host rates, bans hosts that cross a threshold, collects their sample packets,
 * and unbans after ban_time. It runs on one thread (the replay thread, or the live evaluator thread)
 * and never blocks: actions go to a {@link BanHandler} that returns at once.
 */
public final class Evaluator {
    private static final Logger log = LoggerFactory.getLogger(Evaluator.class);
    private static final int C = CounterShard.COUNTERS;
    private static final int NOT_MAPPED = -1;

    private final DetectionSettings settings;
    private final List<CounterShard> shards;
    private final BanHandler handler;
    private final PrefixMatcher whitelist;
    private final PrefixMatcher groups;

    // Per evaluator host (dense index from `hosts`).
    private final HostIndex hosts = new HostIndex(1 << 12);
    private long[] hostHi = new long[0], hostLo = new long[0];
    private int[] groupOf = new int[0];
    private boolean[] whitelisted = new boolean[0];
    private double[] average = new double[0];       // C per host: smoothed per-second rates
    private long[] averagedAt = new long[0];        // second of the last update of `average`
    private Attack[] attackOf = new Attack[0];
    private int[][] shardSlotOf;                    // [shard][host] -> slot in that shard, or -1

    // Per shard slot.
    private final int[][] hostOfSlot;               // [shard][slot] -> host
    private final long[][] generationOfSlot;        // [shard][slot] -> the slot's generation when mapped
    private final long[][] previous;                // [shard][slot * C + i] -> counter value at the last tick

    // This tick's hosts with traffic and their per-second counts.
    private int[] touched = new int[1024];
    private int touchedCount;
    private int[] touchedPos = new int[0];          // host -> position in touched, or -1
    private long[] current = new long[1024 * C];
    private final long[] scratch = new long[C];
    private final HostTraffic second = new HostTraffic();

    private final long[] totals = new long[CounterShard.TOTALS];
    private final long[] previousTotals = new long[CounterShard.TOTALS];
    private final long[] lastSecondTotals = new long[CounterShard.TOTALS];

    private final Map<Integer, Attack> active = new LinkedHashMap<>();
    private final List<Attack> history = new ArrayList<>();
    private final Map<Integer, Long> banDisabledLogged = new java.util.HashMap<>();
    private long lastTickSecond = Long.MIN_VALUE;
    private long lastTickNanos;
    private long untrackedSeen;
    private long untrackedWarnedAt = Long.MIN_VALUE / 2;
    private volatile Stats stats = new Stats(new long[CounterShard.TOTALS], 0, 0, 0);
    private volatile TrafficView view = TrafficView.empty();
    private final double[] averageTotals = new double[CounterShard.TOTALS];
    private final double[] averageFlows = new double[2];
    /** Hosts in the last published top lists: with this tick's hosts, the only ones that can be in the next. */
    private int[] topCandidates = new int[0];
    /** How many hosts each top list keeps (the console shows max_ips_in_list of them, the API up to this). */
    public static final int TOP_HOSTS = 100;

    public Evaluator(DetectionSettings settings, List<CounterShard> shards, BanHandler handler) {
        this.settings = settings;
        this.shards = List.copyOf(shards);
        this.handler = handler;
        PrefixMatcher.Builder wl = new PrefixMatcher.Builder();
        for (Cidr c : settings.whitelist()) {
            wl.add(c, 0);
        }
        this.whitelist = wl.build();
        PrefixMatcher.Builder gb = new PrefixMatcher.Builder();
        for (int g = 0; g < settings.hostGroups().size(); g++) {
            for (Cidr c : settings.hostGroups().get(g).cidrs()) {
                gb.add(c, g);
            }
        }
        this.groups = gb.build();
        int n = this.shards.size();
        shardSlotOf = new int[n][0];
        hostOfSlot = new int[n][0];
        generationOfSlot = new long[n][0];
        previous = new long[n][0];
    }

    /**
     * Evaluates the traffic counted since the previous tick as one second ending at {@code nowNanos}
     * (packet time in replay, wall time live).
     */
    public void tick(long nowNanos) {
        long started = System.nanoTime();
        long nowSecond = Math.floorDiv(nowNanos, 1_000_000_000L);
        lastTickNanos = nowNanos;
        touchedCount = 0;
        for (int s = 0; s < shards.size(); s++) {
            collect(s);
        }
        collectTotals(nowNanos);
        for (int s = 0; s < shards.size(); s++) {
            shards.get(s).samples().drain(this::sample);
        }
        for (int i = 0; i < touchedCount; i++) {
            int host = touched[i];
            fill(second, current, i * C);
            updateAverage(host, nowSecond);
            check(host, nowNanos);
        }
        sendCompletedDetails();
        unbanExpired(nowNanos);
        for (int i = 0; i < touchedCount; i++) {
            touchedPos[touched[i]] = -1;
        }
        lastTickSecond = nowSecond;
        publishView(nowNanos, nowSecond);
        stats = new Stats(lastSecondTotals.clone(), history.size(), active.size(), System.nanoTime() - started);
    }

    private void collect(int s) {
        CounterShard shard = shards.get(s);
        int n = shard.acquireSlotCount();
        if (hostOfSlot[s].length < n) {
            int old = hostOfSlot[s].length;
            int cap = Math.max(n, old * 2);
            hostOfSlot[s] = Arrays.copyOf(hostOfSlot[s], cap);
            Arrays.fill(hostOfSlot[s], old, cap, NOT_MAPPED);
            generationOfSlot[s] = Arrays.copyOf(generationOfSlot[s], cap);
            previous[s] = Arrays.copyOf(previous[s], cap * C);
        }
        int[] map = hostOfSlot[s];
        long[] gens = generationOfSlot[s];
        long[] prev = previous[s];
        // Hosts not counted since well before the previous tick cannot have changed: skip reading their
        // counters (a second of slack for a capture thread still finishing the second before it).
        long unchangedBefore = lastTickSecond == Long.MIN_VALUE ? Long.MIN_VALUE : lastTickSecond - 2;
        for (int slot = 0; slot < n; slot++) {
            int host = map[slot];
            long generation = shard.generation(slot);
            if ((generation & 1) != 0 || (host != NOT_MAPPED && generation != gens[slot])) {
                // The host gave the slot back after being idle (and another may have taken it).
                if (host != NOT_MAPPED) {
                    release(s, slot, host);
                    host = NOT_MAPPED;
                }
                if ((generation & 1) != 0) {
                    continue;
                }
            }
            if (host != NOT_MAPPED && shard.lastSecond(slot) < unchangedBefore) {
                continue;
            }
            long hi = 0, lo = 0;
            if (host == NOT_MAPPED) {
                hi = shard.keyHi(slot);
                lo = shard.keyLo(slot);
            }
            shard.readCounters(slot, scratch, 0);
            VarHandle.acquireFence();
            if (shard.generation(slot) != generation) {
                continue; // the slot changed hands while it was read: next tick
            }
            if (host == NOT_MAPPED) {
                host = hostFor(hi, lo);
                map[slot] = host;
                gens[slot] = generation;
                shardSlotOf[s][host] = slot;
                Attack a = attackOf[host];
                if (a != null && !a.detailsSent && a.samples.size() < settings.banDetailsRecordsCount()) {
                    shard.setSampleFlags(slot, 1L << a.trafficDirection());
                }
            }
            int base = slot * C;
            boolean changed = false;
            for (int i = 0; i < C; i++) {
                if (scratch[i] != prev[base + i]) {
                    changed = true;
                    break;
                }
            }
            if (!changed) {
                continue;
            }
            int pos = touchedPos[host];
            if (pos < 0) {
                pos = touchedCount++;
                if (touched.length < touchedCount) {
                    touched = Arrays.copyOf(touched, touched.length * 2);
                    current = Arrays.copyOf(current, touched.length * C);
                }
                touched[pos] = host;
                touchedPos[host] = pos;
                Arrays.fill(current, pos * C, pos * C + C, 0);
            }
            int cur = pos * C;
            for (int i = 0; i < C; i++) {
                current[cur + i] += scratch[i] - prev[base + i];
                prev[base + i] = scratch[i];
            }
        }
    }

    /** A shard's slot no longer holds the host: forget the mapping, and the host when nothing holds it. */
    private void release(int s, int slot, int host) {
        hostOfSlot[s][slot] = NOT_MAPPED;
        Arrays.fill(previous[s], slot * C, slot * C + C, 0);
        if (shardSlotOf[s][host] == slot) {
            shardSlotOf[s][host] = NOT_MAPPED;
        }
        forgetIfUnused(host);
    }

    /** Drops a host that no shard holds and that is not banned (a banned host stays known while quiet). */
    private void forgetIfUnused(int host) {
        if (attackOf[host] != null) {
            return;
        }
        for (int[] slots : shardSlotOf) {
            if (slots[host] != NOT_MAPPED) {
                return;
            }
        }
        hosts.remove(hostHi[host], hostLo[host]);
        Arrays.fill(average, host * C, host * C + C, 0);
        averagedAt[host] = 0;
        banDisabledLogged.remove(host);
    }

    private int hostFor(long hi, long lo) {
        int host = hosts.findOrInsert(hi, lo);
        if (hosts.lastInsertWasNew()) {
            if (host >= groupOf.length) {
                int cap = Math.max(16, groupOf.length * 2);
                hostHi = Arrays.copyOf(hostHi, cap);
                hostLo = Arrays.copyOf(hostLo, cap);
                groupOf = Arrays.copyOf(groupOf, cap);
                whitelisted = Arrays.copyOf(whitelisted, cap);
                average = Arrays.copyOf(average, cap * C);
                averagedAt = Arrays.copyOf(averagedAt, cap);
                attackOf = Arrays.copyOf(attackOf, cap);
                int old = touchedPos.length;
                touchedPos = Arrays.copyOf(touchedPos, cap);
                Arrays.fill(touchedPos, old, cap, -1);
                for (int s = 0; s < shardSlotOf.length; s++) {
                    int o = shardSlotOf[s].length;
                    shardSlotOf[s] = Arrays.copyOf(shardSlotOf[s], cap);
                    Arrays.fill(shardSlotOf[s], o, cap, NOT_MAPPED);
                }
            }
            hostHi[host] = hi;
            hostLo[host] = lo;
            groupOf[host] = groups.lookup(hi, lo);
            whitelisted[host] = whitelist.lookup(hi, lo) >= 0;
        }
        return host;
    }

    private void collectTotals(long nowNanos) {
        long untracked = 0;
        for (CounterShard shard : shards) {
            untracked += shard.untrackedPackets();
        }
        if (untracked > untrackedSeen && nowNanos - untrackedWarnedAt >= 60_000_000_000L) {
            untrackedWarnedAt = nowNanos;
            log.warn("too many hosts to track one by one (max_tracked_hosts): {} packets of further hosts were counted "
                    + "in the totals only", untracked);
        }
        untrackedSeen = untracked;
        Arrays.fill(totals, 0);
        long[] t = scratch;
        for (CounterShard shard : shards) {
            shard.readTotals(t);
            for (int i = 0; i < CounterShard.TOTALS; i++) {
                totals[i] += t[i];
            }
        }
        for (int i = 0; i < totals.length; i++) {
            lastSecondTotals[i] = totals[i] - previousTotals[i];
            previousTotals[i] = totals[i];
        }
    }

    private static void fill(HostTraffic h, long[] src, int off) {
        for (int i = 0; i < HostTraffic.SIZE; i++) {
            h.packets[i] = src[off + i * 3];
            h.bytes[i] = src[off + i * 3 + 1];
            h.flows[i] = src[off + i * 3 + 2];
        }
        h.seconds = 1;
    }

    /** The same from a host's averages. */
    private static void fill(HostTraffic h, double[] src, int off) {
        for (int i = 0; i < HostTraffic.SIZE; i++) {
            h.packets[i] = src[off + i * 3];
            h.bytes[i] = src[off + i * 3 + 1];
            h.flows[i] = src[off + i * 3 + 2];
        }
        h.seconds = 1;
    }

    /** Exponential smoothing over average_calculation_time, as FastNetMon's average speeds. */
    private void updateAverage(int host, long nowSecond) {
        decayTo(host, nowSecond - 1);
        double keep = Math.exp(-1 / tau());
        int base = host * C;
        for (int i = 0; i < HostTraffic.SIZE; i++) {
            average[base + i * 3] = average[base + i * 3] * keep + second.packets[i] * (1 - keep);
            average[base + i * 3 + 1] = average[base + i * 3 + 1] * keep + second.bytes[i] * (1 - keep);
            average[base + i * 3 + 2] = average[base + i * 3 + 2] * keep + second.flows[i] * (1 - keep);
        }
        averagedAt[host] = nowSecond;
    }

    /** Brings a host's average forward over seconds in which it had no traffic. */
    private void decayTo(int host, long second) {
        long gap = second - averagedAt[host];
        if (averagedAt[host] == 0 || gap <= 0) {
            return;
        }
        double keep = Math.exp(-gap / tau());
        int base = host * C;
        for (int i = 0; i < C; i++) {
            average[base + i] *= keep;
        }
        averagedAt[host] = second;
    }

    private double tau() {
        return Math.max(1e-9, settings.averageCalculationTimeSeconds());
    }

    private Thresholds thresholdsOf(int host) {
        int g = groupOf[host];
        return g >= 0 ? settings.hostGroups().get(g).thresholds() : settings.global();
    }

    private void check(int host, long nowNanos) {
        Attack existing = attackOf[host];
        if (existing != null) {
            int d = existing.trafficDirection();
            long pps = Math.round(second.pps(d, TrafficClass.TOTAL));
            if (pps > existing.peakPps) {
                existing.peakPps = pps;
            }
            existing.peakMbps = Math.max(existing.peakMbps, second.mbps(d, TrafficClass.TOTAL));
            return;
        }
        if (whitelisted[host]) {
            return;
        }
        Thresholds t = thresholdsOf(host);
        for (int dir = HostTraffic.IN; dir <= HostTraffic.OUT; dir++) {
            if (dir == HostTraffic.IN ? !settings.processIncoming() : !settings.processOutgoing()) {
                continue;
            }
            String reason = ThresholdCheck.exceeded(t, second, dir);
            if (reason == null) {
                continue;
            }
            long hi = hostHi[host], lo = hostLo[host];
            String ip = IpAddresses.format(hi, lo);
            boolean v6 = !IpAddresses.isV4Mapped(hi, lo);
            // enable_ban_ipv6 is a hostgroup setting like enable_ban: a group's own (or inherited) value applies.
            boolean ipv6BanOn = groupOf[host] >= 0 ? t.enableBanIpv6() : settings.enableBanIpv6();
            if (!t.enableBan() || (v6 && !ipv6BanOn)) {
                Long last = banDisabledLogged.get(host);
                if (last == null || nowNanos - last >= 60_000_000_000L) {
                    banDisabledLogged.put(host, nowNanos);
                    log.info("{} crosses a threshold ({}) but ban is disabled{}: not banned", ip, reason,
                            t.enableBan() ? " for IPv6 (enable_ban_ipv6)" : " (enable_ban)");
                }
                return;
            }
            ban(host, ip, hi, lo, dir, dir == HostTraffic.IN ? Direction.INCOMING : Direction.OUTGOING, reason, nowNanos);
            return;
        }
    }

    /** {@code reported}: the direction the script and the texts say (a manual ban may say "other"). */
    private Attack ban(int host, String ip, long hi, long lo, int dir, Direction reported, String reason, long nowNanos) {
        int g = groupOf[host];
        HostTraffic initial = second.copy();
        Attack a = new Attack(ip, hi, lo, reported,
                AttackClassifier.attackType(initial, dir), AttackClassifier.protocol(initial, dir), initial, reason,
                g >= 0 ? settings.hostGroups().get(g).name() : "global", nowNanos);
        attackOf[host] = a;
        active.put(host, a);
        history.add(a);
        log.warn("ban {} {} {} {} pps: {}", ip, a.direction.text(), a.attackType, a.initialPps(), reason);
        handler.onBan(a);
        if (settings.banDetailsRecordsCount() > 0) {
            setSampling(host, 1L << dir);
        } else {
            a.detailsSent = true;
            handler.onAttackDetails(a);
        }
        return a;
    }

    private void setSampling(int host, long flags) {
        for (int s = 0; s < shards.size(); s++) {
            int slot = shardSlotOf[s][host];
            if (slot != NOT_MAPPED) {
                shards.get(s).setSampleFlags(slot, flags);
            }
        }
    }

    private void sample(long ts, long srcHi, long srcLo, long dstHi, long dstLo, int srcPort, int dstPort,
                        int protocol, int tcpFlags, int ttl, boolean fragmented, long packets, int length, int dir) {
        long hi = dir == HostTraffic.IN ? dstHi : srcHi;
        long lo = dir == HostTraffic.IN ? dstLo : srcLo;
        int host = hosts.find(hi, lo);
        if (host < 0) {
            return;
        }
        Attack a = attackOf[host];
        if (a == null || a.detailsSent || a.trafficDirection() != dir
                || a.samples.size() >= settings.banDetailsRecordsCount()) {
            return;
        }
        a.samples.add(new SamplePacket(ts, IpAddresses.format(srcHi, srcLo), srcPort, IpAddresses.format(dstHi, dstLo),
                dstPort, protocol, tcpFlags, fragmented, packets, length, ttl));
    }

    private void sendCompletedDetails() {
        for (Map.Entry<Integer, Attack> e : active.entrySet()) {
            Attack a = e.getValue();
            if (!a.detailsSent && (a.samples.size() >= settings.banDetailsRecordsCount()
                    || (a.detailsDeadlineNanos != 0 && lastTickNanos >= a.detailsDeadlineNanos))) {
                sendDetails(e.getKey(), a);
            }
        }
    }

    private void sendDetails(int host, Attack a) {
        a.detailsSent = true;
        setSampling(host, 0);
        handler.onAttackDetails(a);
    }

    private void unbanExpired(long nowNanos) {
        List<Integer> done = new ArrayList<>();
        for (Map.Entry<Integer, Attack> e : active.entrySet()) {
            Attack a = e.getValue();
            int host = e.getKey();
            if (settings.banTimeSeconds() <= 0 // ban_time = 0: bans last until the program stops
                    || nowNanos - a.bannedAtNanos < settings.banTimeSeconds() * 1_000_000_000L) {
                continue;
            }
            if (settings.unbanOnlyIfAttackFinished() && stillAttacking(host, a)) {
                if (!a.unbanPostponed) {
                    a.unbanPostponed = true;
                    log.info("{}: ban_time is over but the attack goes on; unban waits for it to end", a.ip);
                }
                continue;
            }
            if (!a.detailsSent) {
                sendDetails(host, a);
            }
            done.add(host);
        }
        for (int host : done) {
            unban(host);
        }
    }

    private void unban(int host) {
        Attack a = active.remove(host);
        attackOf[host] = null;
        log.warn("unban {} {}", a.ip, a.direction.text());
        handler.onUnban(a);
        forgetIfUnused(host);
    }

    /** Whether the host crossed a threshold in the attack's direction in the second just evaluated. */
    private boolean stillAttacking(int host, Attack a) {
        int pos = touchedPos[host];
        if (pos < 0) {
            return false;
        }
        HostTraffic h = new HostTraffic();
        fill(h, current, pos * C);
        return ThresholdCheck.exceeded(thresholdsOf(host), h, a.trafficDirection()) != null;
    }

    /** Sends attack_details for every attack still collecting samples, with what it has (at shutdown). */
    public void flushDetails() {
        for (Map.Entry<Integer, Attack> e : active.entrySet()) {
            if (!e.getValue().detailsSent) {
                sendDetails(e.getKey(), e.getValue());
            }
        }
    }

    // ---- read side for the summary, metrics and console ----

    private void publishView(long nowNanos, long nowSecond) {
        double keep = Math.exp(-1 / tau());
        for (int i = 0; i < CounterShard.TOTALS; i++) {
            averageTotals[i] = averageTotals[i] * keep + lastSecondTotals[i] * (1 - keep);
        }
        // Candidates: this tick's hosts (averaged at this second) and the previous top hosts, whose
        // averages only decayed; no other host can have risen into a top list.
        int[] candidates = Arrays.copyOf(touched, touchedCount + topCandidates.length);
        int n = touchedCount;
        for (int host : topCandidates) {
            if (averagedAt[host] != nowSecond) {
                decayTo(host, nowSecond);
                candidates[n++] = host;
            }
        }
        Map<Direction, Map<SortKey, List<TrafficView.HostRate>>> top = new EnumMap<>(Direction.class);
        int[] heap = new int[TOP_HOSTS];
        int[] next = new int[2 * SortKey.values().length * TOP_HOSTS];
        int nextCount = 0;
        double[] flowSums = new double[2];
        for (int dir = HostTraffic.IN; dir <= HostTraffic.OUT; dir++) {
            Map<SortKey, List<TrafficView.HostRate>> byKey = new EnumMap<>(SortKey.class);
            for (SortKey key : SortKey.values()) {
                int off = CounterShard.counter(dir, TrafficClass.TOTAL, key.ordinal()); // packets, bytes, flows
                int size = topHosts(candidates, n, off, heap);
                List<TrafficView.HostRate> list = new ArrayList<>(size);
                for (int k = 0; k < size; k++) {
                    list.add(hostRate(heap[k], dir));
                    next[nextCount++] = heap[k];
                }
                byKey.put(key, List.copyOf(list));
            }
            top.put(dir == HostTraffic.IN ? Direction.INCOMING : Direction.OUTGOING, byKey);
        }
        // Flows per direction: this second's sum over hosts, smoothed like the other totals.
        for (int i = 0; i < touchedCount; i++) {
            flowSums[0] += current[i * C + CounterShard.counter(HostTraffic.IN, TrafficClass.TOTAL, 2)];
            flowSums[1] += current[i * C + CounterShard.counter(HostTraffic.OUT, TrafficClass.TOTAL, 2)];
        }
        for (int d = 0; d < 2; d++) {
            averageFlows[d] = averageFlows[d] * keep + flowSums[d] * (1 - keep);
        }
        Map<Direction, TrafficView.Rate> totals = new EnumMap<>(Direction.class);
        for (Direction d : Direction.values()) {
            double p = averageTotals[CounterShard.totalIndex(d, 4, 0)] + averageTotals[CounterShard.totalIndex(d, 6, 0)];
            double b = averageTotals[CounterShard.totalIndex(d, 4, 1)] + averageTotals[CounterShard.totalIndex(d, 6, 1)];
            double f = d == Direction.INCOMING ? averageFlows[0] : d == Direction.OUTGOING ? averageFlows[1] : 0;
            totals.put(d, new TrafficView.Rate(p, b * 8 / 1e6, f));
        }
        topCandidates = Arrays.copyOf(next, nextCount);
        view = new TrafficView(nowNanos, totals, top, List.copyOf(active.values()));
    }

    /**
     * The up to {@link #TOP_HOSTS} candidates with the highest average at counter offset {@code off}
     * (at least 0.5 a second), into {@code out} busiest first; returns how many. A min-heap of the
     * best so far, in primitive arrays.
     */
    private int topHosts(int[] candidates, int n, int off, int[] out) {
        int size = 0;
        for (int c = 0; c < n; c++) {
            int host = candidates[c];
            double v = average[host * C + off];
            if (v < 0.5) {
                continue;
            }
            if (size < out.length) {
                out[size] = host;
                siftUp(out, size++, off);
            } else if (v > average[out[0] * C + off]) {
                out[0] = host;
                siftDown(out, size, off);
            }
        }
        // Heap sort into descending order: repeatedly move the smallest to the end.
        for (int end = size - 1; end > 0; end--) {
            int t = out[0];
            out[0] = out[end];
            out[end] = t;
            siftDown(out, end, off);
        }
        return size;
    }

    private void siftUp(int[] h, int i, int off) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (average[h[i] * C + off] >= average[h[parent] * C + off]) {
                return;
            }
            int t = h[i];
            h[i] = h[parent];
            h[parent] = t;
            i = parent;
        }
    }

    private void siftDown(int[] h, int size, int off) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, smallest = i;
            if (l < size && average[h[l] * C + off] < average[h[smallest] * C + off]) {
                smallest = l;
            }
            if (r < size && average[h[r] * C + off] < average[h[smallest] * C + off]) {
                smallest = r;
            }
            if (smallest == i) {
                return;
            }
            int t = h[i];
            h[i] = h[smallest];
            h[smallest] = t;
            i = smallest;
        }
    }

    private TrafficView.HostRate hostRate(int host, int dir) {
        int base = host * C;
        return new TrafficView.HostRate(IpAddresses.format(hostHi[host], hostLo[host]),
                average[base + CounterShard.counter(dir, TrafficClass.TOTAL, 0)],
                average[base + CounterShard.counter(dir, TrafficClass.TOTAL, 1)] * 8 / 1e6,
                average[base + CounterShard.counter(dir, TrafficClass.TOTAL, 2)]);
    }

    /** The latest view for the console and the API; safe from any thread. */
    public TrafficView view() {
        return view;
    }

    /**
     * A host's traffic averaged over average_calculation_time, or null when no traffic of it was seen.
     * Call on the evaluator's thread.
     */
    public HostTraffic averageOf(long hi, long lo) {
        int host = hosts.find(hi, lo);
        if (host < 0 || averagedAt[host] == 0) {
            return null;
        }
        decayTo(host, lastTickSecond);
        HostTraffic h = new HostTraffic();
        fill(h, average, host * C);
        return h;
    }

    /** The attack a host is banned for now, or null. Call on the evaluator's thread. */
    public Attack banOf(long hi, long lo) {
        int host = hosts.find(hi, lo);
        return host < 0 ? null : attackOf[host];
    }

    /**
     * Bans a host by hand (the API): the same actions as an automatic ban, with the host's average
     * traffic as its power. Sample packets are collected for at most {@code detailsWaitSeconds}, then
     * attack_details goes out with what was collected. Returns null when the host is banned already.
     * Call on the evaluator's thread.
     */
    public Attack manualBan(long hi, long lo, Direction direction, long nowNanos, long detailsWaitSeconds) {
        int host = hostFor(hi, lo);
        if (attackOf[host] != null) {
            return null;
        }
        decayTo(host, lastTickSecond);
        fill(second, average, host * C); // all zero for a host without traffic
        int dir = direction == Direction.OUTGOING ? HostTraffic.OUT : HostTraffic.IN;
        Attack a = ban(host, IpAddresses.format(hi, lo), hi, lo, dir, direction, Attack.MANUAL_BAN, nowNanos);
        a.detailsDeadlineNanos = nowNanos + detailsWaitSeconds * 1_000_000_000L;
        return a;
    }

    /**
     * Takes up a ban made before a restart (from the ban state file): no script call now; it is
     * unbanned as usual once its ban_time, counted from the original ban, is over. Returns false when
     * the host is banned already. Call before ticks start, or on the evaluator's thread.
     */
    public boolean restoreBan(Attack a) {
        int host = hostFor(a.ipHi, a.ipLo);
        if (attackOf[host] != null) {
            return false;
        }
        attackOf[host] = a;
        active.put(host, a);
        return true;
    }

    /** Unbans a host by hand; returns its attack, or null when it was not banned. Call on the evaluator's thread. */
    public Attack manualUnban(long hi, long lo) {
        int host = hosts.find(hi, lo);
        if (host < 0 || attackOf[host] == null) {
            return null;
        }
        Attack a = attackOf[host];
        if (!a.detailsSent) {
            sendDetails(host, a);
        }
        unban(host);
        return a;
    }

    /**
     * What other threads (the metrics endpoint) may read, published at the end of each tick: the last
     * second's totals (see {@link CounterShard#totalIndex}; not to be modified), bans made so far, hosts
     * banned now, and how long the tick took.
     */
    public record Stats(long[] lastSecondTotals, long bansTotal, int bannedHosts, long tickNanos) {
    }

    /** The snapshot of the last tick; safe from any thread. */
    public Stats stats() {
        return stats;
    }

    /** Every ban made so far, in order. */
    public List<Attack> banHistory() {
        return Collections.unmodifiableList(history);
    }

    public Collection<Attack> activeBans() {
        return Collections.unmodifiableCollection(active.values());
    }

    /** Cumulative totals summed over shards at the last tick; see {@link CounterShard#totalIndex}. */
    public long[] totals() {
        return totals.clone();
    }

    public long[] lastSecondTotals() {
        return lastSecondTotals.clone();
    }

    public long lastTickSecond() {
        return lastTickSecond;
    }
}
