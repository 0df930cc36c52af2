package io.foleystream.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the TLS context of the registry client from Kafka-style store settings, all prefixed with
 * {@code schema.registry.}: {@code ssl.truststore.location}, {@code ssl.truststore.password},
 * {@code ssl.truststore.type} (trust for the server certificate), {@code ssl.keystore.location},
 * {@code ssl.keystore.password}, {@code ssl.keystore.type}, {@code ssl.key.password} (a client
 * certificate, for mutual TLS) and {@code ssl.protocol} (default {@code TLS}). Store types are
 * those of {@link KeyStore} (PKCS12, the default, and JKS). The server's host name is always
 * verified against its certificate.
 */
final class RegistryTlsContext {

  private RegistryTlsContext() {
  }

  /**
   * Builds a context when a trust or key store is configured.
   *
   * @param configs the configuration
   * @param prefix the prefix of the TLS keys
   * @return the context, or empty when neither store is configured
   * @throws IllegalArgumentException when a store cannot be read
   */
  static Optional<SSLContext> from(Map<String, ?> configs, String prefix) {
    Optional<String> trustStore = value(configs, prefix + "ssl.truststore.location");
    Optional<String> keyStore = value(configs, prefix + "ssl.keystore.location");
    if (trustStore.isEmpty() && keyStore.isEmpty()) {
      return Optional.empty();
    }
    try {
      TrustManager[] trustManagers = null;
      if (trustStore.isPresent()) {
        KeyStore store = load(trustStore.get(),
            value(configs, prefix + "ssl.truststore.type"),
            value(configs, prefix + "ssl.truststore.password"));
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        trustManagers = factory.getTrustManagers();
      }
      KeyManager[] keyManagers = null;
      if (keyStore.isPresent()) {
        Optional<String> storePassword = value(configs, prefix + "ssl.keystore.password");
        KeyStore store = load(keyStore.get(), value(configs, prefix + "ssl.keystore.type"),
            storePassword);
        KeyManagerFactory factory =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, value(configs, prefix + "ssl.key.password").or(() -> storePassword)
            .map(String::toCharArray).orElse(null));
        keyManagers = factory.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance(
          value(configs, prefix + "ssl.protocol").orElse("TLS"));
      context.init(keyManagers, trustManagers, null);
      return Optional.of(context);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS for the schema registry: "
          + e.getMessage(), e);
    }
  }

  private static KeyStore load(String location, Optional<String> type, Optional<String> password)
      throws GeneralSecurityException {
    Path path = Path.of(location);
    KeyStore store = KeyStore.getInstance(type.orElse(KeyStore.getDefaultType()));
    try (InputStream in = Files.newInputStream(path)) {
      store.load(in, password.map(String::toCharArray).orElse(null));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read key store " + path + ": " + e.getMessage(),
          e);
    }
    return store;
  }

  private static Optional<String> value(Map<String, ?> configs, String key) {
    Object value = configs.get(key);
    return value == null || value.toString().isBlank()
        ? Optional.empty() : Optional.of(value.toString());
  }
}
