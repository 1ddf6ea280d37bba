package io.ballast.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The kit's {@link KafkaBroker} as a JUnit 5 extension. Register it as a static extension.
 * {@link #shared()} is one broker per JVM, started by the first test class that needs it and closed
 * when the JUnit run ends (root store), or by a JVM shutdown hook if it was started outside JUnit:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();
 * }</pre>
 *
 * <p>Tests that stop the broker or need other broker settings take a private one from
 * {@link #builder()}; it is closed after the test class that registered it.
 */
public final class KafkaBrokerExtension extends KafkaBroker implements StartedPerScope {

    private static final KafkaBrokerExtension SHARED = builder().build();

    private KafkaBrokerExtension(KafkaBroker.Builder<KafkaBrokerExtension> builder) {
        super(builder);
    }

    /** The broker shared by every test class of this JVM. Do not stop it; take a {@link #builder()} one to. */
    public static KafkaBrokerExtension shared() {
        return SHARED;
    }

    /** A broker of its own, e.g. for fault tests or other broker settings. */
    public static KafkaBroker.Builder<KafkaBrokerExtension> builder() {
        return new KafkaBroker.Builder<>(KafkaBrokerExtension::new);
    }

    @Override
    public ExtensionContext scope(ExtensionContext context) {
        // The root context ends once the whole run of this JVM is over (so the shared broker serves every
        // test class); a class's own broker is closed after that class.
        return this == SHARED ? context.getRoot() : StartedPerScope.classContext(context);
    }

    /** Not for the {@link #shared()} broker: other test classes use it. */
    @Override
    public synchronized void stopBroker() {
        if (this == SHARED) {
            throw new IllegalStateException("Do not stop the shared broker: take one from KafkaBrokerExtension.builder()");
        }
        super.stopBroker();
    }

    @Override
    protected String notStartedMessage() {
        return "The Kafka broker is not started: register it with "
                + "@RegisterExtension static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();";
    }
}
