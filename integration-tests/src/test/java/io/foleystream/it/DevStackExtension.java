package io.foleystream.it;

import io.foleystream.devstack.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests the shared development stack. Each server starts once per test run, on
 * first use, and stops when the run ends (JUnit closes resources in the root store last).
 */
public final class DevStackExtension implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedKafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(BrokerResource.class, key -> new BrokerResource(),
            BrokerResource.class)
        .broker;
  }

  private static final class BrokerResource
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();

    @Override
    public void close() {
      broker.close();
    }
  }
}
