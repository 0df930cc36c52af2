package io.foleystream.it;

import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests the shared development stack: an {@link EmbeddedKafkaBroker} and an
 * {@link ApicurioRegistryServer}, resolved as test or lifecycle method parameters. Each server
 * starts once per test run, on first use, and stops when the run ends (JUnit closes resources in
 * the root store last).
 *
 * <p>A test may {@link ApicurioRegistryServer#stop() stop} the registry or the {@link
 * EmbeddedKafkaBroker#stop() broker} to simulate an outage. After every test the extension
 * restarts whichever is down, on the same port and data, so the tests that follow find it as
 * before: the registry keeps its schemas on disk, so their ids stay valid across the restart, and
 * the broker its topics and records.
 */
public final class DevStackExtension implements ParameterResolver, AfterEachCallback {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == EmbeddedKafkaBroker.class || type == ApicurioRegistryServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = rootStore(context);
    if (parameter.getParameter().getType() == EmbeddedKafkaBroker.class) {
      return store.getOrComputeIfAbsent(BrokerResource.class, key -> new BrokerResource(),
          BrokerResource.class).broker;
    }
    return store.getOrComputeIfAbsent(RegistryResource.class, key -> new RegistryResource(),
        RegistryResource.class).registry;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    RegistryResource resource = rootStore(context).get(RegistryResource.class,
        RegistryResource.class);
    if (resource != null && !resource.registry.isRunning()) {
      resource.registry.restart();
    }
    BrokerResource brokerResource = rootStore(context).get(BrokerResource.class,
        BrokerResource.class);
    if (brokerResource != null && !brokerResource.broker.isRunning()) {
      brokerResource.broker.restart();
    }
  }

  private static ExtensionContext.Store rootStore(ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
  }

  /** Closed by JUnit when the root store closes, as every AutoCloseable value in it is. */
  private static final class BrokerResource implements AutoCloseable {
    private final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();

    @Override
    public void close() {
      broker.close();
    }
  }

  /** Closed by JUnit when the root store closes, as every AutoCloseable value in it is. */
  private static final class RegistryResource implements AutoCloseable {
    private final ApicurioRegistryServer registry = ApicurioRegistryServer.start();

    @Override
    public void close() {
      registry.close();
    }
  }
}
