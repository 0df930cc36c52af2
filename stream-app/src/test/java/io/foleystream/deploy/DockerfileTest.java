package io.foleystream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.foleystream.cli.FoleystreamCli;
import io.foleystream.config.ConfigKeys;
import io.foleystream.inference.ProviderChoice;
import io.foleystream.topology.operations.OperationsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Static checks of docker/Dockerfile (no Docker engine needed): what it copies exists and is in
 * the build context, its bases are pinned, the GPU variant has the runtime ONNX Runtime's CUDA
 * provider needs, and the image runs the application the way `foleystream run` does.
 */
class DockerfileTest {

  private static final String RUNTIME_STAGE_PREFIX = "runtime-";
  private static Dockerfile dockerfile;

  @BeforeAll
  static void read() throws IOException {
    dockerfile = Dockerfile.read(Repository.file("docker/Dockerfile"));
  }

  private static List<String> variants() {
    return Images.variants(dockerfile);
  }

  private static Map<String, String> args(String variant) {
    return Images.buildArgs(variant);
  }

  @Test
  void eachVariantHasItsOwnBuildAndRuntimeStage() {
    assertEquals(List.of("cpu", "gpu"), variants());
    assertTrue(variants().contains(dockerfile.globalArgs().get(Images.VARIANT)),
        "the default VARIANT must name a runtime stage: " + dockerfile.globalArgs());
    for (String variant : variants()) {
      List<String> built = dockerfile.stagesBuiltFor(dockerfile.finalStage(), args(variant))
          .stream().map(Dockerfile.Stage::name).toList();
      assertTrue(built.contains(RUNTIME_STAGE_PREFIX + variant), variant + ": " + built);
      assertTrue(built.contains("build-" + variant), variant + ": " + built);
    }
  }

  @Test
  void everyBaseImageIsPinnedToARelease() {
    for (String variant : variants()) {
      for (Dockerfile.Stage stage : dockerfile.stages()) {
        List<String> references = new ArrayList<>(List.of(stage.from()));
        stage.all("COPY").stream().map(c -> c.flags().get("from")).filter(f -> f != null)
            .forEach(references::add);
        for (String reference : references) {
          if (dockerfile.stageNamed(reference, args(variant)).isEmpty()) {
            String image = dockerfile.expand(reference, args(variant));
            assertTrue(ImageReference.parse(image).pinned(),
                "not pinned to a release: " + image + " (stage " + stage.name() + ")");
          }
        }
      }
    }
  }

  /**
   * ONNX Runtime's CUDA provider (onnxruntime_gpu, Maven profile gpu) links against CUDA 12
   * and loads cuDNN 9. NVIDIA's tags name cuDNN 9 images "-cudnn-" (older ones "-cudnn8-").
   */
  @Test
  void gpuImageHasTheCudaRuntimeAndTheGpuBuildOfOnnxRuntime() throws IOException {
    String base = dockerfile.baseImage(dockerfile.finalStage(), args("gpu"));
    assertTrue(base.matches("nvidia/cuda:12\\.\\d+(\\.\\d+)?-cudnn9?-runtime-ubuntu\\d+\\.\\d+"),
        "the GPU image needs a CUDA 12 + cuDNN 9 runtime base: " + base);
    assertTrue(Files.readString(Repository.file("pom.xml")).contains("<id>gpu</id>"),
        "the root pom has no gpu profile");
    assertTrue(mavenBuild("gpu").contains(" -Pgpu "), mavenBuild("gpu"));
    assertFalse(mavenBuild("cpu").contains("-Pgpu"), mavenBuild("cpu"));
    assertFalse(dockerfile.baseImage(dockerfile.finalStage(), args("cpu")).startsWith("nvidia/"));
  }

  @Test
  void bothImagesRunOnAJava17Runtime() {
    for (String variant : variants()) {
      List<String> images = dockerfile.stagesBuiltFor(dockerfile.finalStage(), args(variant))
          .stream().map(s -> dockerfile.baseImage(s, args(variant))).toList();
      assertTrue(images.stream().anyMatch(i -> i.matches("eclipse-temurin:17\\.[^-]*-jre-.*")),
          variant + ": no Java 17 runtime among " + images);
    }
  }

  private static String mavenBuild(String variant) {
    return dockerfile.stagesBuiltFor(dockerfile.finalStage(), args(variant)).stream()
        .flatMap(s -> s.all("RUN").stream()).map(Dockerfile.Instruction::arguments)
        .filter(run -> run.contains("mvn ")).findFirst()
        .orElseThrow(() -> new AssertionError(variant + ": no stage runs Maven")) + " ";
  }

  @Test
  void everyCopiedPathExistsAndIsInTheBuildContext() throws IOException {
    Path root = Repository.root();
    DockerIgnore ignore = DockerIgnore.read(root.resolve(".dockerignore"));
    int copied = 0;
    for (Dockerfile.Stage stage : dockerfile.stages()) {
      for (Dockerfile.Instruction copy : stage.all("COPY")) {
        if (copy.flags().containsKey("from")) {
          continue;
        }
        List<String> words = copy.words();
        for (String source : words.subList(0, words.size() - 1)) {
          assertTrue(Files.exists(root.resolve(source)), "COPY source missing: " + source);
          assertFalse(ignore.excludes(source), ".dockerignore leaves out " + source);
          copied++;
        }
      }
    }
    assertTrue(copied > 0, "the Dockerfile copies nothing from the context");
    assertTrue(ignore.excludes("stream-app/target/foleystream.jar"),
        "build output must stay out of the build context");
    assertTrue(ignore.excludes("model-sets/small_16k/velocity.onnx"),
        "model sets must stay out of the build context");
  }

  @Test
  void theJarAndItsLibrariesLandSideBySideAndTheEntrypointRunsTheJar() throws IOException {
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>")
        .matcher(Files.readString(Repository.file("stream-app/pom.xml")));
    assertTrue(finalName.find(), "stream-app/pom.xml sets no finalName");
    String jarSource = "stream-app/target/" + finalName.group(1) + ".jar";
    Map<String, String> copies = new LinkedHashMap<>();
    for (Dockerfile.Instruction copy : dockerfile.finalStage().all("COPY")) {
      List<String> words = copy.words();
      copies.put(words.get(0), words.get(words.size() - 1));
    }
    String jar = destination(copies, jarSource);
    String lib = destination(copies, "stream-app/target/lib");
    // The jar's manifest class path names lib/ beside the jar.
    assertEquals(Path.of(jar).resolveSibling("lib"), Path.of(lib));
    String entrypoint = String.join(" ",
        dockerfile.finalStage().last("ENTRYPOINT").orElseThrow().words());
    assertTrue(entrypoint.contains("-jar " + jar), entrypoint);
    assertTrue(entrypoint.contains("$" + "FOLEYSTREAM_JAVA_OPTS"), entrypoint);
    assertTrue(ConfigKeys.NON_CONFIG_ENVIRONMENT.contains("FOLEYSTREAM_JAVA_OPTS"));
  }

  private static String destination(Map<String, String> copies, String sourceSuffix) {
    return copies.entrySet().stream().filter(e -> e.getKey().endsWith(sourceSuffix))
        .map(Map.Entry::getValue).findFirst()
        .orElseThrow(() -> new AssertionError("the image does not copy " + sourceSuffix));
  }

  @Test
  void theDefaultCommandIsTheStreamingApplication() {
    List<String> cmd = dockerfile.finalStage().last("CMD").orElseThrow().words();
    CommandLine.ParseResult parsed = FoleystreamCli.commandLine()
        .parseArgs(cmd.toArray(String[]::new));
    assertTrue(parsed.hasSubcommand(), "CMD runs no command: " + cmd);
    assertEquals("run", parsed.subcommand().commandSpec().name());
  }

  @Test
  void theApplicationRunsAsAnUnprivilegedUser() {
    Optional<Dockerfile.Instruction> user = dockerfile.finalStage().last("USER");
    assertTrue(user.isPresent(), "the final stage sets no USER: the image would run as root");
    String name = user.get().arguments().split(":")[0];
    assertFalse(name.equals("root") || name.equals("0"), "runs as root: " + name);
  }

  @Test
  void theHealthCheckProbesTheApplicationsLivenessEndpoint() {
    Dockerfile.Instruction check = dockerfile.finalStage().last("HEALTHCHECK").orElseThrow();
    assertEquals("CMD", check.words().get(0));
    Matcher url = Pattern.compile("http://[^/:\\s\"]+:\\$\\{([A-Z_]+):-(\\d+)}(/[^\\s\"]*)")
        .matcher(check.arguments());
    assertTrue(url.find(), "no URL with the port variable in " + check.arguments());
    assertEquals(ConfigKeys.HTTP_PORT.environmentVariable(), url.group(1));
    assertEquals(ConfigKeys.HTTP_PORT.defaultValue(), url.group(2));
    assertEquals(OperationsServer.LIVENESS_PATH, url.group(3));
    List<String> exposed = dockerfile.finalStage().all("EXPOSE").stream()
        .flatMap(e -> e.words().stream()).toList();
    assertTrue(exposed.contains(ConfigKeys.HTTP_PORT.defaultValue()), exposed.toString());
  }

  @Test
  void theImageSetsOnlyRealConfigurationKeys() {
    for (String variant : variants()) {
      Map<String, String> env = applicationEnvironment(variant);
      assertFalse(env.isEmpty(), variant + ": the image sets no FOLEYSTREAM_* variable");
      assertEquals(List.of(), ApplicationSettings.problems(env), variant);
    }
  }

  @Test
  void eachImageAsksForTheExecutionProviderItCarries() {
    assertEquals(ProviderChoice.Kind.CUDA, provider("gpu").kind());
    assertEquals(ProviderChoice.Kind.CPU, provider("cpu").kind());
  }

  private static ProviderChoice provider(String variant) {
    return ProviderChoice.parse(ApplicationSettings.configuration(
        applicationEnvironment(variant)).required(ConfigKeys.PROVIDER));
  }

  private static Map<String, String> applicationEnvironment(String variant) {
    return Images.applicationEnvironment(dockerfile, variant);
  }

  @Test
  void theRuntimeHasTheGStreamerPackagesTheLauncherInstalls() throws IOException {
    Matcher block = Pattern.compile("APT_PACKAGES=\\(([^)]*)\\)")
        .matcher(Files.readString(Repository.file("foleystream")));
    assertTrue(block.find(), "no APT_PACKAGES list in the launcher");
    List<String> gstreamer = List.of(block.group(1).trim().split("\\s+")).stream()
        .filter(p -> p.startsWith("gstreamer1.0-")).toList();
    assertFalse(gstreamer.isEmpty());
    String install = dockerfile.finalStage().all("RUN").stream()
        .map(Dockerfile.Instruction::arguments).filter(r -> r.contains("apt-get install"))
        .findFirst().orElseThrow(() -> new AssertionError("the runtime installs no packages"));
    List<String> words = List.of(install.split("\\s+"));
    for (String pkg : gstreamer) {
      if (!words.contains(pkg)) {
        fail("the runtime image lacks " + pkg + ", which the launcher installs");
      }
    }
  }
}
