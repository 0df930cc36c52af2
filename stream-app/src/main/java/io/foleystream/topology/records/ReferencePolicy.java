package io.foleystream.topology.records;

import io.foleystream.config.ConfigException;
import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a {@code PayloadReference} may reach. Schemes come from an allow-list; {@code http} and
 * {@code https} reach only the hosts the operator lists (an entry {@code *.example.com} also
 * admits its sub-domains; an entry with a port, {@code host:8443} or {@code [::1]:8443}, admits
 * that port only), and never a private, loopback or link-local address unless that is
 * allowed explicitly; {@code file:} reads only below the directories the operator lists (after
 * resolving symbolic links). With nothing listed, no reference can be fetched at all.
 *
 * @param schemes the schemes allowed (lower case): a subset of {@code https}, {@code http},
 *     {@code file}
 * @param hosts the HTTP hosts allowed (lower case), each optionally with a port
 * @param fileRoots the directories {@code file:} references may read below (real paths)
 * @param allowPrivateAddresses whether HTTP may reach private, loopback and link-local
 *     addresses
 * @param maxBytes largest payload fetched
 * @param deadline the longest a whole fetch (connection, redirects, body) may take
 * @param maxRedirects most redirects followed
 */
public record ReferencePolicy(Set<String> schemes, Set<String> hosts, List<Path> fileRoots,
    boolean allowPrivateAddresses, long maxBytes, Duration deadline, int maxRedirects) {

  /**
   * The policy a configuration sets ({@code foleystream.reference.*}).
   *
   * @param config the configuration
   * @param maxBytesCap a cap on the byte limit: a payload larger than its reader takes is not
   *     worth fetching
   * @return the policy
   * @throws ConfigException if a value is malformed
   */
  public static ReferencePolicy from(FoleystreamConfig config, long maxBytesCap) {
    try {
      return new ReferencePolicy(Set.copyOf(list(config, ConfigKeys.REFERENCE_SCHEMES)),
          Set.copyOf(list(config, ConfigKeys.REFERENCE_HOSTS)),
          list(config, ConfigKeys.REFERENCE_FILE_ROOTS).stream().map(Path::of).toList(),
          config.booleanValue(ConfigKeys.REFERENCE_ALLOW_PRIVATE),
          Math.min(config.longValue(ConfigKeys.REFERENCE_MAX_BYTES), maxBytesCap),
          Duration.ofMillis(config.longValue(ConfigKeys.REFERENCE_TIMEOUT_MS)),
          config.intValue(ConfigKeys.REFERENCE_MAX_REDIRECTS));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /**
   * The default policy: every {@code foleystream.reference.*} key at its default.
   *
   * @return the policy
   */
  public static ReferencePolicy defaults() {
    return from(FoleystreamConfig.of(java.util.Map.of()), Long.MAX_VALUE);
  }

  private static List<String> list(FoleystreamConfig config, ConfigKeys.Key key) {
    String value = config.string(key);
    return value == null ? List.of() : java.util.Arrays.stream(value.split(","))
        .map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  /** A reference the policy refuses: the record is at fault, and retrying cannot help. */
  public static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }

  /**
   * Validates and normalizes the values.
   *
   * @throws IllegalArgumentException if a scheme is unknown, a cap is not positive, or a root
   *     cannot be resolved
   */
  public ReferencePolicy {
    schemes = schemes.stream().map(h -> h.trim().toLowerCase(Locale.ROOT))
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    for (String scheme : schemes) {
      if (!Set.of("https", "http", "file").contains(scheme)) {
        throw new IllegalArgumentException("reference scheme '" + scheme
            + "' is not supported (https, http, file)");
      }
    }
    for (String host : hosts) {
      String port = host.startsWith("[") ? host.substring(host.indexOf(']') + 1)
          : host.indexOf(':') == host.lastIndexOf(':') && host.contains(":")
              ? host.substring(host.indexOf(':')) : "";
      if (!port.isEmpty() && !port.matches(":[0-9]{1,5}")) {
        throw new IllegalArgumentException("reference host '" + host + "' has no valid port");
      }
    }
    if (maxBytes < 1 || deadline.isNegative() || deadline.isZero() || maxRedirects < 0) {
      throw new IllegalArgumentException("the reference byte cap and deadline must be positive,"
          + " the redirect count not negative");
    }
    hosts = hosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    fileRoots = fileRoots.stream().map(ReferencePolicy::realPath).toList();
  }

  private static Path realPath(Path root) {
    try {
      return root.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("reference file root " + root + " cannot be resolved: "
          + e.getMessage(), e);
    }
  }

  /**
   * Checks a URI's scheme and host, or its path, before anything is opened.
   *
   * @param uri the reference (or a redirect's target)
   * @throws RefusedException if the policy does not allow it
   */
  public void checkUri(URI uri) throws RefusedException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!schemes.contains(scheme)) {
      throw new RefusedException("scheme '" + scheme + "' is not allowed by the reference"
          + " policy");
    }
    if (scheme.equals("file")) {
      checkFile(uri);
      return;
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    if (host.isEmpty() || !hostListed(host, port)) {
      throw new RefusedException("host '" + host + "' (port " + port + ") is not allowed by the"
          + " reference policy");
    }
  }

  private boolean hostListed(String host, int port) {
    String bare = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    for (String entry : hosts) {
      String allowed = entry;
      int allowedPort = -1;
      int close = entry.indexOf(']');
      int colon = entry.lastIndexOf(':');
      if (entry.startsWith("[")) {
        allowed = entry.substring(1, Math.max(1, close));
        if (close > 0 && colon > close) {
          allowedPort = Integer.parseInt(entry.substring(colon + 1));
        }
      } else if (colon > 0 && colon == entry.indexOf(':')) {
        allowed = entry.substring(0, colon);
        allowedPort = Integer.parseInt(entry.substring(colon + 1));
      }
      boolean hostMatches = allowed.equals(bare)
          || (allowed.startsWith("*.") && bare.endsWith(allowed.substring(1)));
      if (hostMatches && (allowedPort < 0 || allowedPort == port)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The file a {@code file:} URI names, if it lies below an allowed root. The lexical path is
   * checked before the file system is touched, so a refused path tells nothing about what exists
   * there; the real path (links resolved) is checked again by {@link #checkRealFile}.
   *
   * @param uri a {@code file:} URI
   * @return the normalized path
   * @throws RefusedException if it lies outside every root
   */
  public Path checkFile(URI uri) throws RefusedException {
    Path path;
    try {
      path = Path.of(uri).toAbsolutePath().normalize();
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new RefusedException("not a usable file URI");
    }
    if (!underRoot(path)) {
      throw new RefusedException("the path is not below a directory allowed by the reference"
          + " policy");
    }
    return path;
  }

  /**
   * Checks a file's real path (symbolic links resolved) against the roots.
   *
   * @param real the real path
   * @throws RefusedException if it lies outside every root
   */
  public void checkRealFile(Path real) throws RefusedException {
    if (!underRoot(real)) {
      throw new RefusedException("the path leads out of the directories allowed by the"
          + " reference policy");
    }
  }

  private boolean underRoot(Path path) {
    for (Path root : fileRoots) {
      if (path.startsWith(root)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Resolves a host and checks every address it has.
   *
   * @param host an allowed host
   * @throws RefusedException if one of its addresses is private, loopback or link-local and
   *     those are not allowed
   * @throws UnknownHostException if it cannot be resolved
   */
  public void checkAddresses(String host) throws RefusedException, UnknownHostException {
    if (allowPrivateAddresses) {
      return;
    }
    for (InetAddress address : InetAddress.getAllByName(host)) {
      if (isPrivate(address)) {
        throw new RefusedException("host '" + host + "' resolves to a private, loopback or"
            + " link-local address, which the reference policy does not allow");
      }
    }
  }

  /**
   * Whether an address is private, loopback, link-local, unspecified, multicast, carrier-grade
   * NAT or an IPv6 unique local address.
   *
   * @param address an address
   * @return true when it is not a public unicast address
   */
  static boolean isPrivate(InetAddress address) {
    if (address.isLoopbackAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isAnyLocalAddress()
        || address.isMulticastAddress()) {
      return true;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet6Address) {
      return (b[0] & 0xfe) == 0xfc;
    }
    return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
  }
}
