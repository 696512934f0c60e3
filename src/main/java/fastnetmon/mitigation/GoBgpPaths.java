package fastnetmon.mitigation;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import fastnetmon.mitigation.gobgp.CommunitiesAttribute;
import fastnetmon.mitigation.gobgp.ExtendedCommunitiesAttribute;
import fastnetmon.mitigation.gobgp.Family;
import fastnetmon.mitigation.gobgp.FlowSpecComponent;
import fastnetmon.mitigation.gobgp.FlowSpecComponentItem;
import fastnetmon.mitigation.gobgp.FlowSpecIPPrefix;
import fastnetmon.mitigation.gobgp.FlowSpecNLRI;
import fastnetmon.mitigation.gobgp.IPAddressPrefix;
import fastnetmon.mitigation.gobgp.MpReachNLRIAttribute;
import fastnetmon.mitigation.gobgp.NextHopAttribute;
import fastnetmon.mitigation.gobgp.OriginAttribute;
import fastnetmon.mitigation.gobgp.Path;
import fastnetmon.mitigation.gobgp.TrafficRateExtended;
import fastnetmon.networks.Cidr;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@link Announcement} as the path gobgpd's API takes (GoBGP 3's {@code apipb.Path}: family, NLRI and
 * attributes, each packed in a google.protobuf.Any), built the way GoBGP's own CLI builds it: IPv4
 * unicast with a NEXT_HOP attribute, IPv6 unicast and FlowSpec with MP_REACH_NLRI. The same path serves
 * AddPath and DeletePath (gobgpd finds what to withdraw by family and NLRI). Stateless; any thread.
 */
final class GoBgpPaths {
    /** FlowSpec component types (RFC 8955 4.2.2, RFC 8956 3). */
    static final int DESTINATION = 1, PROTOCOL = 3, DESTINATION_PORT = 5, SOURCE_PORT = 6, TCP_FLAGS = 9, FRAGMENT = 12;
    /** Numeric operator "==" (RFC 8955 4.2.1.1); gobgpd adds the value length and the end-of-list bit. */
    static final int OP_EQUAL = 0x01;
    /** Bitmask operator "match": every bit of the value is set in the packet (RFC 8955 4.2.1.2). */
    static final int OP_MATCH = 0x01;
    /** Bitmask operator with neither "not" nor "match": any bit of the value is set. */
    static final int OP_ANY = 0x00;
    /** Fragment bits: first fragment (FF) or a later one (IsF): together, any fragment. */
    static final int FIRST_FRAGMENT = 0x04, LATER_FRAGMENT = 0x02;

    private GoBgpPaths() {
    }

    /** The path for a route or a FlowSpec rule; IllegalArgumentException (one line) for what gobgpd cannot carry. */
    static Path of(Announcement a) {
        if (a instanceof Route r) {
            return route(r);
        }
        if (a instanceof FlowSpecRule f) {
            return flowSpec(f);
        }
        throw new IllegalArgumentException("not a BGP route or FlowSpec rule: " + a.text());
    }

    static Family family(boolean ipv6, boolean flowSpec) {
        return Family.newBuilder()
                .setAfi(ipv6 ? Family.Afi.AFI_IP6 : Family.Afi.AFI_IP)
                .setSafi(flowSpec ? Family.Safi.SAFI_FLOW_SPEC_UNICAST : Family.Safi.SAFI_UNICAST)
                .build();
    }

    /** "65001:666" as the COMMUNITIES attribute carries it: 65001 << 16 | 666. */
    static int community(String text) {
        int colon = text.indexOf(':');
        try {
            int asn = Integer.parseInt(text.substring(0, Math.max(colon, 0)));
            int value = Integer.parseInt(text.substring(colon + 1));
            if (asn >= 0 && asn <= 0xffff && value >= 0 && value <= 0xffff) {
                return asn << 16 | value;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("'" + text + "' is not a community (ASN:VALUE, each 0-65535)");
    }

    private static Path route(Route r) {
        Family family = family(r.ipv6(), false);
        Any nlri = Any.pack(IPAddressPrefix.newBuilder()
                .setPrefix(address(r.prefix())).setPrefixLen(r.prefix().prefixLength()).build());
        List<Message> attributes = new ArrayList<>();
        attributes.add(OriginAttribute.newBuilder().setOrigin(0).build()); // IGP
        if (r.ipv6()) {
            attributes.add(MpReachNLRIAttribute.newBuilder().setFamily(family).addNextHops(r.nextHop()).addNlris(nlri).build());
        } else {
            attributes.add(NextHopAttribute.newBuilder().setNextHop(r.nextHop()).build());
        }
        if (!r.communities().isEmpty()) {
            CommunitiesAttribute.Builder c = CommunitiesAttribute.newBuilder();
            r.communities().forEach(text -> c.addCommunities(community(text)));
            attributes.add(c.build());
        }
        return path(family, nlri, attributes);
    }

    private static Path flowSpec(FlowSpecRule f) {
        Family family = family(f.ipv6(), true);
        FlowSpecNLRI.Builder match = FlowSpecNLRI.newBuilder();
        // in type order, as RFC 8955 4.2 wants them on the wire
        match.addRules(Any.pack(FlowSpecIPPrefix.newBuilder().setType(DESTINATION)
                .setPrefix(address(f.destination())).setPrefixLen(f.destination().prefixLength()).build()));
        if (f.protocol() >= 0) {
            match.addRules(component(PROTOCOL, OP_EQUAL, f.protocol()));
        }
        if (f.dstPort() >= 0) {
            match.addRules(component(DESTINATION_PORT, OP_EQUAL, f.dstPort()));
        }
        if (f.srcPort() >= 0) {
            match.addRules(component(SOURCE_PORT, OP_EQUAL, f.srcPort()));
        }
        if (f.tcpFlags() >= 0) {
            match.addRules(component(TCP_FLAGS, OP_MATCH, f.tcpFlags()));
        }
        if (f.fragments()) {
            match.addRules(component(FRAGMENT, OP_ANY, FIRST_FRAGMENT | LATER_FRAGMENT));
        }
        Any nlri = Any.pack(match.build());
        // FlowSpec has no next hop: MP_REACH_NLRI carries the family and the NLRI only
        Message reach = MpReachNLRIAttribute.newBuilder().setFamily(family).addNlris(nlri).build();
        Message action = ExtendedCommunitiesAttribute.newBuilder()
                .addCommunities(Any.pack(TrafficRateExtended.newBuilder().setAsn(0).setRate(f.rateBytesPerSecond()).build()))
                .build();
        return path(family, nlri, List.of(OriginAttribute.newBuilder().setOrigin(0).build(), reach, action));
    }

    private static Any component(int type, int op, long value) {
        return Any.pack(FlowSpecComponent.newBuilder().setType(type)
                .addItems(FlowSpecComponentItem.newBuilder().setOp(op).setValue(value)).build());
    }

    private static Path path(Family family, Any nlri, List<Message> attributes) {
        Path.Builder p = Path.newBuilder().setFamily(family).setNlri(nlri);
        attributes.forEach(a -> p.addPattrs(Any.pack(a)));
        return p.build();
    }

    /** "10.0.0.1" of 10.0.0.1/32. */
    private static String address(Cidr c) {
        String s = c.toString();
        return s.substring(0, s.indexOf('/'));
    }
}
