package fastnetmon.source.flow;

/** Protocol of a flow export datagram. */
public enum FlowProtocol {
    SFLOW5, NETFLOW5, NETFLOW9, IPFIX
}
