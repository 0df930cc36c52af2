package io.foleystream.topology.records;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.ConfigException;
import io.foleystream.config.FoleystreamConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference policy's rules on their own, without a server: its configuration, the host
 * allow-list's syntax and matching, and which addresses count as private. Literal addresses
 * only, so nothing is resolved.
 */
class ReferencePolicyRulesTest {

  @TempDir
  Path dir;

  private static ReferencePolicy hosts(String... hosts) {
    return new ReferencePolicy(Set.of("https", "http"), Set.of(hosts), List.of(), false, 1,
        Duration.ofMillis(1), 0);
  }

  private static boolean allows(ReferencePolicy policy, String uri) {
    try {
      policy.checkUri(URI.create(uri));
      return true;
    } catch (ReferencePolicy.RefusedException e) {
      return false;
    }
  }

  @Test
  void theConfigurationSetsEveryValueAndItsListsSkipBlankEntries() throws Exception {
    ReferencePolicy policy = ReferencePolicy.from(FoleystreamConfig.of(Map.of(
        "foleystream.reference.schemes", " HTTPS , ",
        "foleystream.reference.http.hosts", " Media.Example.com , ,cdn.example.net:8443",
        "foleystream.reference.file.roots", dir.toString(),
        "foleystream.reference.allow.private.addresses", "true",
        "foleystream.reference.max.bytes", "5000",
        "foleystream.reference.timeout.ms", "750",
        "foleystream.reference.max.redirects", "2")), 4096);
    assertEquals(Set.of("https"), policy.schemes());
    assertEquals(Set.of("media.example.com", "cdn.example.net:8443"), policy.hosts());
    assertEquals(List.of(dir.toRealPath()), policy.fileRoots());
    assertTrue(policy.allowPrivateAddresses());
    assertEquals(4096, policy.maxBytes(), "capped by what the reader takes");
    assertEquals(Duration.ofMillis(750), policy.deadline());
    assertEquals(2, policy.maxRedirects());

    ReferencePolicy defaults = ReferencePolicy.defaults();
    assertEquals(Set.of("https", "http", "file"), defaults.schemes());
    assertEquals(Set.of(), defaults.hosts(), "no host unless listed");
    assertEquals(List.of(), defaults.fileRoots());
    assertFalse(defaults.allowPrivateAddresses());
    assertEquals(268_435_456L, defaults.maxBytes());
    assertEquals(Duration.ofSeconds(30), defaults.deadline());
    assertEquals(3, defaults.maxRedirects());

    ConfigException bad = assertThrows(ConfigException.class, () -> ReferencePolicy.from(
        FoleystreamConfig.of(Map.of("foleystream.reference.schemes", "ftp")), 1));
    assertTrue(bad.getMessage().contains("ftp"), bad.getMessage());
  }

  @Test
  void capsMustBePositiveAndHostPortsNumbers() {
    Duration ms = Duration.ofMillis(1);
    assertDoesNotThrow(() -> new ReferencePolicy(Set.of(), Set.of("a:1", "[::1]:65535",
        "[::1]", "::1", "b"), List.of(), false, 1, ms, 0));
    for (String host : List.of("a:", "a:x", "a:123456", "[::1]:", "[::1]x")) {
      assertThrows(IllegalArgumentException.class, () -> new ReferencePolicy(Set.of(),
          Set.of(host), List.of(), false, 1, ms, 0), host);
    }
    assertThrows(IllegalArgumentException.class,
        () -> new ReferencePolicy(Set.of(), Set.of(), List.of(), false, 0, ms, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new ReferencePolicy(Set.of(), Set.of(), List.of(), false, 1, Duration.ZERO, 0));
    assertThrows(IllegalArgumentException.class, () -> new ReferencePolicy(Set.of(), Set.of(),
        List.of(), false, 1, Duration.ofMillis(-1), 0));
    assertThrows(IllegalArgumentException.class,
        () -> new ReferencePolicy(Set.of(), Set.of(), List.of(), false, 1, ms, -1));
    assertThrows(IllegalArgumentException.class, () -> new ReferencePolicy(Set.of("gopher"),
        Set.of(), List.of(), false, 1, ms, 0));
    assertThrows(IllegalArgumentException.class, () -> new ReferencePolicy(Set.of(), Set.of(),
        List.of(dir.resolve("missing")), false, 1, ms, 0), "a root that does not exist");
    assertEquals(Set.of("a"), new ReferencePolicy(Set.of(), Set.of(" A ", " "), List.of(), false,
        1, ms, 0).hosts(), "blank entries are dropped");
  }

  @Test
  void aHostEntryWithAPortAdmitsThatPortOnlyAndWithoutOneEveryPort() {
    ReferencePolicy policy = hosts("media.example.com", "cdn.example.net:8443", "plain.test:80",
        "zero.test:0");
    assertTrue(allows(policy, "https://MEDIA.example.com/x"));
    assertTrue(allows(policy, "http://media.example.com:9999/x"));
    assertTrue(allows(policy, "https://cdn.example.net:8443/x"));
    assertFalse(allows(policy, "https://cdn.example.net/x"), "443 by default");
    assertTrue(allows(policy, "http://plain.test/x"), "80 by default");
    assertFalse(allows(policy, "https://plain.test/x"));
    assertFalse(allows(policy, "http://plain.test:0/x"), "port 0 is a port, not the default");
    assertTrue(allows(policy, "http://zero.test:0/x"));
    assertFalse(allows(policy, "http://zero.test/x"));
    assertFalse(allows(policy, "http://other.example.com/x"));
    assertFalse(allows(policy, "http:/no-host"), "no host");
    assertFalse(allows(policy, "media.example.com/x"), "no scheme");
    assertFalse(allows(policy, "ftp://media.example.com/x"), "a listed host, another scheme");
    assertFalse(allows(hosts("*"), "http://media.example.com/x"));
  }

  @Test
  void aWildcardAdmitsSubDomainsButNotTheDomainItself() {
    ReferencePolicy policy = hosts("*.example.com");
    assertTrue(allows(policy, "https://a.example.com/x"));
    assertTrue(allows(policy, "https://a.b.example.com/x"));
    assertFalse(allows(policy, "https://example.com/x"));
    assertFalse(allows(policy, "https://badexample.com/x"));
  }

  @Test
  void ipv6HostsAreMatchedWithAndWithoutBracketsAndPorts() {
    assertTrue(allows(hosts("[2001:db8::1]"), "http://[2001:db8::1]:8080/x"));
    assertTrue(allows(hosts("[2001:db8::1]:8080"), "http://[2001:db8::1]:8080/x"));
    assertFalse(allows(hosts("[2001:db8::1]:8080"), "http://[2001:db8::1]:8081/x"));
    assertFalse(allows(hosts("[2001:db8::1]:8080"), "http://[2001:db8::1]/x"));
    assertTrue(allows(hosts("2001:db8::1"), "http://[2001:db8::1]:8081/x"), "a bare literal,"
        + " every port");
    assertFalse(allows(hosts("[2001:db8::2]"), "http://[2001:db8::1]/x"));
  }

  @Test
  void privateLoopbackLinkLocalMulticastCarrierGradeNatAndUniqueLocalAddressesArePrivate()
      throws UnknownHostException {
    for (String address : List.of("127.0.0.1", "169.254.1.1", "10.1.2.3", "192.168.0.1",
        "172.16.0.1", "0.0.0.0", "224.0.0.1", "100.64.0.1", "100.127.255.255", "::1", "fe80::1",
        "fc00::1", "fd12:3456::1", "ff02::1", "::")) {
      assertTrue(ReferencePolicy.isPrivate(InetAddress.getByName(address)), address);
    }
    for (String address : List.of("8.8.8.8", "100.63.255.255", "100.128.0.1", "101.64.0.1",
        "36.64.0.1", "2001:db8::1", "fe00::1", "fb00::1", "2001:4860::8888")) {
      assertFalse(ReferencePolicy.isPrivate(InetAddress.getByName(address)), address);
    }
  }

  @Test
  void literalAddressesAreCheckedUnlessPrivateOnesAreAllowed() throws Exception {
    ReferencePolicy strict = hosts("127.0.0.1");
    assertThrows(ReferencePolicy.RefusedException.class, () -> strict.checkAddresses(
        "127.0.0.1"));
    assertDoesNotThrow(() -> strict.checkAddresses("8.8.8.8"));
    ReferencePolicy open = new ReferencePolicy(Set.of("http"), Set.of(), List.of(), true, 1,
        Duration.ofMillis(1), 0);
    assertDoesNotThrow(() -> open.checkAddresses("127.0.0.1"));
  }
}
