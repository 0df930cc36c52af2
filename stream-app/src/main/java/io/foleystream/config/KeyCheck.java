package io.foleystream.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Refuses misspelt application keys at start, naming the closest key the application knows: a
 * typo would otherwise pass silently, the key ignored and its default used.
 *
 * <p>Two kinds of mistake are caught: a {@code foleystream.*} key that {@link ConfigKeys#all()}
 * does not list (in the file, the environment or {@code --set}), and a {@code FOLEYSTREAM_*}
 * variable that names no application key but is one or two edits away from one (such a variable
 * would otherwise pass through to the Kafka clients as an unknown client key). The known keys
 * always come from {@link ConfigKeys#all()}.
 */
public final class KeyCheck {

  /** Edits within which a pass-through variable is taken for a misspelt application key. */
  static final int NEAR_MISS = 2;

  private KeyCheck() {}

  /**
   * Fails on the first kinds of mistake above, listing every one found.
   *
   * @param config the loaded configuration
   * @param environment the environment variables it was loaded with
   * @throws ConfigException naming each unknown key or variable and the closest known key
   */
  public static void requireKnown(FoleystreamConfig config, Map<String, String> environment) {
    List<String> problems = new ArrayList<>();
    Map<String, String> fromEnvironment = new TreeMap<>();
    environment.keySet().forEach(variable -> ConfigKeys.keyForEnvironmentVariable(variable)
        .ifPresent(key -> fromEnvironment.put(key, variable)));
    for (String key : config.values().keySet()) {
      if (key.startsWith(ConfigKeys.KEY_PREFIX) && ConfigKeys.find(key).isEmpty()) {
        ConfigKeys.Key closest = closest(key);
        String variable = fromEnvironment.get(key);
        problems.add((variable != null ? variable + " sets " : "") + "unknown key " + key
            + " (did you mean " + closest.name() + "?)");
      }
    }
    for (Map.Entry<String, String> entry : fromEnvironment.entrySet()) {
      String key = entry.getKey();
      if (key.startsWith(ConfigKeys.KEY_PREFIX)) {
        continue;
      }
      ConfigKeys.Key closest = closest(ConfigKeys.KEY_PREFIX + key);
      if (distance(ConfigKeys.KEY_PREFIX + key, closest.name()) <= NEAR_MISS) {
        problems.add(entry.getValue() + " names no key of foleystream (did you mean "
            + closest.environmentVariable() + ", which sets " + closest.name() + "?)");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("; ", problems));
    }
  }

  /**
   * The application key nearest to a name, by edit distance, ignoring case.
   *
   * @param name any key
   * @return the nearest key of {@link ConfigKeys#all()}
   */
  public static ConfigKeys.Key closest(String name) {
    ConfigKeys.Key best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (ConfigKeys.Key key : ConfigKeys.all()) {
      int d = distance(name, key.name());
      if (d < bestDistance) {
        best = key;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Levenshtein distance, case-insensitive. */
  static int distance(String a, String b) {
    String x = a.toLowerCase(Locale.ROOT);
    String y = b.toLowerCase(Locale.ROOT);
    int[] previous = new int[y.length() + 1];
    int[] current = new int[y.length() + 1];
    for (int j = 0; j <= y.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= y.length(); j++) {
        int substitution = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[y.length()];
  }
}
