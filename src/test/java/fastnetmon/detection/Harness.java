package fastnetmon.detection;

import fastnetmon.counters.TestShards;
import fastnetmon.config.GroupTotals;
import fastnetmon.config.HostGroup;
import fastnetmon.config.Thresholds;
import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostCounters;
import fastnetmon.counters.MonitoredNetworks;
import fastnetmon.counters.SampleRing;
import fastnetmon.counters.TestPackets;
import fastnetmon.config.TrafficClass;
import fastnetmon.networks.Cidr;
import fastnetmon.packet.PacketRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Drives shards and an evaluator second by second as FileReplay does (onSecond, count, publish,
 * tick at the end of the second) and records the events the evaluator tells its {@link BanListener}.
 * Monitored networks: 10.0.0.0/8 and 2001:db8::/32.
 */
final class Harness implements BanListener {
    static final long FIRST_SECOND = 1_700_000_000L;

    final List<CounterShard> shards = new ArrayList<>();
    final Evaluator evaluator;
    final List<Attack> bans = new ArrayList<>();
    final List<Attack> details = new ArrayList<>();
    final List<Attack> unbans = new ArrayList<>();
    final List<Attack> restored = new ArrayList<>();
    /** Every event, in order. */
    final List<BanEvent> all = new ArrayList<>();
    /** "ban ip", "details ip N" (N samples), "unban ip", "restored ip", in order. */
    final List<String> events = new ArrayList<>();
    long second = FIRST_SECOND;

    Harness(DetectionSettings settings) {
        this(settings, 1);
    }

    Harness(DetectionSettings settings, int shardCount) {
        this(settings, shardCount, CounterShard.IDLE_SECONDS);
    }

    Harness(DetectionSettings settings, int shardCount, int idleSeconds) {
        this(settings, BaselineSettings.OFF, shardCount, idleSeconds);
    }

    /** With learned baselines. */
    Harness(DetectionSettings settings, BaselineSettings baselines, int shardCount, int idleSeconds) {
        for (int i = 0; i < shardCount; i++) {
            CounterShard s = TestShards.shard("shard" + i, TestPackets.networks("10.0.0.0/8", "2001:db8::/32"), 16,
                    CounterShard.MAX_HOSTS, idleSeconds);
            s.onSecond(second);
            shards.add(s);
        }
        evaluator = new Evaluator(settings, baselines, shards, this);
    }

    /** Drives the given shards (made by the test, started at {@link #FIRST_SECOND}). */
    Harness(DetectionSettings settings, List<CounterShard> shards) {
        this.shards.addAll(shards);
        for (CounterShard s : shards) {
            s.onSecond(second);
        }
        evaluator = new Evaluator(settings, shards, this);
    }

    /** As {@link #Harness(DetectionSettings, List)}, the evaluator reading the given counters in place of the shards. */
    private Harness(DetectionSettings settings, List<CounterShard> shards, List<HostCounters> read) {
        this.shards.addAll(shards);
        for (CounterShard s : shards) {
            s.onSecond(second);
        }
        evaluator = new Evaluator(settings, read, this);
    }

    /**
     * An aggregator's evaluator: shard i (one per name) is read as counters of the sensor {@code sensors[i]}
     * (names may repeat: one sensor's several counters).
     */
    static Harness sensors(DetectionSettings settings, String... sensors) {
        List<CounterShard> shards = new ArrayList<>();
        List<HostCounters> read = new ArrayList<>();
        for (String sensor : sensors) {
            CounterShard s = TestShards.shard(sensor + "#" + shards.size(), TestPackets.networks("10.0.0.0/8", "2001:db8::/32"), 16);
            shards.add(s);
            read.add(new SensorCounters(s, sensor));
        }
        return new Harness(settings, shards, read);
    }

    /** Counts the packet n times in the current second on shard 0. */
    Harness send(int n, PacketRecord r) {
        return send(0, n, r);
    }

    Harness send(int shard, int n, PacketRecord r) {
        CounterShard s = shards.get(shard);
        for (int i = 0; i < n; i++) {
            r.timestampNanos = second * 1_000_000_000L + i;
            s.count(r);
        }
        return this;
    }

    /** End of the current second in nanoseconds: the time of the next tick. */
    long tickNanos() {
        return (second + 1) * 1_000_000_000L;
    }

    /** Ends the current second: publish, evaluate, start the next second. */
    void tick() {
        for (CounterShard s : shards) {
            s.publish();
        }
        evaluator.tick(tickNanos());
        second++;
        for (CounterShard s : shards) {
            s.onSecond(second);
        }
    }

    void ticks(int n) {
        for (int i = 0; i < n; i++) {
            tick();
        }
    }

    Attack ban(String ip) {
        for (Attack a : bans) {
            if (a.ip.equals(ip)) {
                return a;
            }
        }
        throw new AssertionError(ip + " not banned; bans: " + events);
    }

    boolean banned(String ip) {
        return bans.stream().anyMatch(a -> a.ip.equals(ip));
    }

    /** The host's ban as it stands now (the evaluator's snapshot), or null. */
    Attack current(String ip) {
        long[] a = TestPackets.addr(ip);
        return evaluator.banOf(a[0], a[1]);
    }

    @Override
    public void onEvent(BanEvent e) {
        all.add(e);
        Attack attack = e.attack();
        switch (e.kind()) {
            case BAN -> {
                bans.add(attack);
                events.add("ban " + attack.ip);
            }
            case ATTACK_DETAILS -> {
                details.add(attack);
                events.add("details " + attack.ip + " " + attack.samples.size());
            }
            case UNBAN -> {
                unbans.add(attack);
                events.add("unban " + attack.ip);
            }
            case RESTORED -> {
                restored.add(attack);
                events.add("restored " + attack.ip);
            }
        }
    }

    /** A shard's counters as a sensor's (as an aggregator reads them): the shard's, with a sensor name. */
    private record SensorCounters(CounterShard shard, String sensorName) implements HostCounters {
        @Override
        public String name() {
            return shard.name();
        }

        @Override
        public void read(long tickSecond, Changes changes) {
            shard.read(tickSecond, changes);
        }

        @Override
        public boolean countsWholeSeconds() {
            return shard.countsWholeSeconds();
        }

        @Override
        public long countedUpToNanos() {
            return shard.countedUpToNanos();
        }

        @Override
        public void readTotals(long[] dst) {
            shard.readTotals(dst);
        }

        @Override
        public long untrackedPackets() {
            return shard.untrackedPackets();
        }

        @Override
        public void requestSamples(long hi, long lo, Direction direction) {
            shard.requestSamples(hi, lo, direction);
        }

        @Override
        public void requestSamplesBothWays(long hi, long lo) {
            shard.requestSamplesBothWays(hi, lo);
        }

        @Override
        public MonitoredNetworks networks() {
            return shard.networks();
        }

        @Override
        public void readNetworkTotals(long[] dst) {
            shard.readNetworkTotals(dst);
        }

        @Override
        public long promotedHosts() {
            return shard.promotedHosts();
        }

        @Override
        public void drainSamples(SampleRing.Visitor visitor) {
            shard.drainSamples(visitor);
        }
    }

    /** Mutable DetectionSettings with test defaults: everything processed, 5 detail records, no unban. */
    static final class Settings {
        boolean enableBanIpv6 = true;
        boolean processIncoming = true;
        boolean processOutgoing = true;
        int detailsCount = 5;
        long banTime = 0;
        boolean unbanOnlyIfAttackFinished = false;
        double averageSeconds = 5;
        Thresholds global = Limits.none().pps(TrafficClass.TOTAL, 20_000).build();
        final List<HostGroup> groups = new ArrayList<>();
        final List<Cidr> whitelist = new ArrayList<>();
        boolean connectionTracking = false;

        Settings global(Limits l) {
            global = l.build();
            return this;
        }

        Settings group(String name, Limits l, String... cidrs) {
            groups.add(new HostGroup(name, TestPackets.cidrs(cidrs), l.build()));
            return this;
        }

        /** A hostgroup with thresholds on each of its networks' totals too. */
        Settings group(String name, Limits l, GroupTotals totals, String... cidrs) {
            groups.add(new HostGroup(name, TestPackets.cidrs(cidrs), l.build(), totals));
            return this;
        }

        Settings whitelist(String... cidrs) {
            whitelist.addAll(TestPackets.cidrs(cidrs));
            return this;
        }

        DetectionSettings build() {
            return new DetectionSettings(enableBanIpv6, processIncoming, processOutgoing, detailsCount, banTime,
                    unbanOnlyIfAttackFinished, averageSeconds, global, groups, whitelist, connectionTracking);
        }
    }

    /** Builds {@link Thresholds} through its public constructor, starting from nothing enabled. */
    static final class Limits {
        boolean enableBan = true, enableBanIpv6 = true;
        final boolean[] banForPps = new boolean[TrafficClass.COUNT];
        final long[] pps = new long[TrafficClass.COUNT];
        final boolean[] banForBandwidth = new boolean[TrafficClass.COUNT];
        final long[] mbps = new long[TrafficClass.COUNT];
        boolean banForFlows;
        long flows;

        static Limits none() {
            Limits l = new Limits();
            Arrays.fill(l.pps, 1_000_000_000L);
            Arrays.fill(l.mbps, 1_000_000L);
            l.flows = 1_000_000_000L;
            return l;
        }

        Limits pps(int cls, long threshold) {
            banForPps[cls] = true;
            pps[cls] = threshold;
            return this;
        }

        Limits mbps(int cls, long threshold) {
            banForBandwidth[cls] = true;
            mbps[cls] = threshold;
            return this;
        }

        Limits flows(long threshold) {
            banForFlows = true;
            flows = threshold;
            return this;
        }

        Limits banOff() {
            enableBan = false;
            return this;
        }

        Limits ipv6BanOff() {
            enableBanIpv6 = false;
            return this;
        }

        Thresholds build() {
            return new Thresholds(enableBan, enableBanIpv6, banForPps, pps, banForBandwidth, mbps, banForFlows, flows);
        }
    }
}
