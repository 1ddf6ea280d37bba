package io.ballast.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The kit's {@link RegistryServer} as a JUnit 5 extension, from the archive Maven unpacks before the
 * integration tests (system property {@value RegistryServer#DIR_PROPERTY}, set by failsafe).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();
 * ...
 * String url = REGISTRY.url(); // http://127.0.0.1:PORT/apis/ccompat/v7
 * }</pre>
 *
 * <p>One registry per JVM, started by the first test class that needs it, global compatibility set
 * to BACKWARD, stopped with its whole process tree when the JUnit run ends or the JVM exits. Its
 * output goes to a log file under {@code target/apicurio-logs/}. Subjects outlive test classes: name
 * topics uniquely ({@link KafkaBroker#uniqueName}).
 */
public final class SchemaRegistryExtension extends RegistryServer implements StartedPerScope {

    private static final SchemaRegistryExtension SHARED = new SchemaRegistryExtension();

    private SchemaRegistryExtension() {
        super(RegistryServer.builder());
    }

    /** The registry shared by every test class of this JVM. */
    public static SchemaRegistryExtension shared() {
        return SHARED;
    }

    @Override
    public ExtensionContext scope(ExtensionContext context) {
        return context.getRoot();
    }

    @Override
    protected String notStartedMessage() {
        return "The schema registry is not started: register it with "
                + "@RegisterExtension static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();";
    }
}
