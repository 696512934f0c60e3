package fastnetmon.config;

import static fastnetmon.config.ConfigKeys.OURS;
import static fastnetmon.config.ConfigKeys.key;

import fastnetmon.config.ConfigKeys.Type;

/**
 * The keys of the abuse sensors' threat events published to AMQP 0-9-1 (RabbitMQ; issue 12). Part of
 * {@link ConfigKeys}' registry, kept apart to keep that class readable; {@link #define} is called once
 * from its static initializer.
 */
final class AmqpKeys {
    private AmqpKeys() {
    }

    static void define() {
        key("amqp_enabled", Type.BOOL, "off", OURS, "Publish the abuse sensors' threat events to an AMQP 0-9-1 broker (RabbitMQ), with publisher confirms");
        key("amqp_uri", Type.STRING, "amqp://guest:guest@127.0.0.1:5672/%2f", OURS,
                "Broker as amqp://user:password@host:port/vhost (%2f: the vhost /); amqps://... for TLS, the certificate checked against the JVM's trust store");
        key("amqp_exchange", Type.STRING, "", OURS, "Exchange the events are published to (empty: the default exchange, where the routing key names the queue); nothing is declared");
        key("amqp_routing_key", Type.STRING, "fastnetmon_threats", OURS, "Routing key of every event (with the default exchange: the queue's name)");
        key("amqp_buffer", Type.INT, "10000", OURS, "Events kept while the broker is away or has not confirmed them; when full, new events are dropped and counted", 1, 10_000_000);
    }
}
