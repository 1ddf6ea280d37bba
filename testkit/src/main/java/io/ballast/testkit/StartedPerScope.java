package io.ballast.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the kit's JUnit 5 extensions share: the first test (class) that needs the resource starts it,
 * once per {@link #scope}; the scope's store closes it when the scope ends.
 */
interface StartedPerScope extends BeforeAllCallback, BeforeEachCallback, AutoCloseable {

    /** Starts the resource unless it runs already. */
    void start();

    /** The context whose end closes the resource: the root one to share it with every test class. */
    ExtensionContext scope(ExtensionContext context);

    @Override
    default void beforeAll(ExtensionContext context) {
        startWithin(context);
    }

    @Override
    default void beforeEach(ExtensionContext context) {
        startWithin(context);
    }

    private void startWithin(ExtensionContext context) {
        scope(context).getStore(ExtensionContext.Namespace.create(getClass()))
                .getOrComputeIfAbsent(getClass().getName() + "#" + System.identityHashCode(this), key -> {
                    start();
                    return this; // AutoCloseable: the store closes it
                }, StartedPerScope.class);
    }

    /** The class a test method runs in (or the context itself, outside a method). */
    static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext scope = context;
        while (scope.getTestMethod().isPresent() && scope.getParent().isPresent()) {
            scope = scope.getParent().get();
        }
        return scope;
    }
}
