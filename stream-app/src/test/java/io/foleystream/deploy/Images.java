package io.foleystream.deploy;

import io.foleystream.config.ConfigKeys;
import java.util.List;
import java.util.Map;

/**
 * The images docker/Dockerfile builds: one per value of its {@code VARIANT} build argument, each
 * value naming a {@code runtime-<variant>} stage.
 */
final class Images {

  /** The build argument that picks the variant. */
  static final String VARIANT = "VARIANT";
  private static final String RUNTIME_STAGE_PREFIX = "runtime-";

  private Images() {}

  /**
   * The values {@code VARIANT} may take.
   *
   * @param dockerfile docker/Dockerfile
   * @return e.g. {@code cpu}, {@code gpu}
   */
  static List<String> variants(Dockerfile dockerfile) {
    return dockerfile.stages().stream().map(Dockerfile.Stage::name)
        .filter(n -> n != null && n.startsWith(RUNTIME_STAGE_PREFIX))
        .map(n -> n.substring(RUNTIME_STAGE_PREFIX.length())).sorted().toList();
  }

  /**
   * The build arguments of one variant.
   *
   * @param variant the variant
   * @return the arguments
   */
  static Map<String, String> buildArgs(String variant) {
    return Map.of(VARIANT, variant);
  }

  /**
   * The {@code FOLEYSTREAM_*} variables an image sets.
   *
   * @param dockerfile docker/Dockerfile
   * @param variant the variant
   * @return variable to value
   */
  static Map<String, String> applicationEnvironment(Dockerfile dockerfile, String variant) {
    Map<String, String> env =
        dockerfile.environment(dockerfile.finalStage(), buildArgs(variant));
    env.keySet().removeIf(k -> !k.startsWith(ConfigKeys.ENV_PREFIX));
    return env;
  }
}
