package io.foleystream.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile read into its build stages, as far as the deployment tests need: comments dropped,
 * continuation lines joined, instruction flags ({@code --from=build}) split off, and
 * {@code ${NAME}} / {@code ${NAME:-default}} expanded from build arguments where Docker expands
 * them ({@code FROM} and {@code --from}). Written here because no Java library on Maven Central
 * parses Dockerfiles; it follows the Dockerfile reference for the instructions we use.
 */
final class Dockerfile {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

  /**
   * One instruction.
   *
   * @param keyword the instruction in upper case
   * @param flags its {@code --name=value} flags (value empty for a bare {@code --name})
   * @param arguments the rest of the line
   */
  record Instruction(String keyword, Map<String, String> flags, String arguments) {

    /**
     * Whether the arguments are a JSON array (the exec form).
     *
     * @return true for the exec form
     */
    boolean execForm() {
      return arguments.startsWith("[");
    }

    /**
     * The arguments as words: the JSON array's elements, or the line split at white space.
     *
     * @return the words
     */
    List<String> words() {
      if (execForm()) {
        try {
          return JSON.readValue(arguments, new TypeReference<List<String>>() {});
        } catch (IOException e) {
          throw new UncheckedIOException("not a JSON array: " + arguments, e);
        }
      }
      return List.of(arguments.split("\\s+"));
    }
  }

  /**
   * One build stage.
   *
   * @param name its {@code AS} name, or null
   * @param from what its {@code FROM} names, unexpanded
   * @param instructions its instructions after {@code FROM}
   */
  record Stage(String name, String from, List<Instruction> instructions) {

    /**
     * The instructions of one kind.
     *
     * @param keyword e.g. {@code COPY}
     * @return them, in order
     */
    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /**
     * The last instruction of one kind (the one in force for USER, HEALTHCHECK, CMD...).
     *
     * @param keyword the keyword
     * @return it, or empty
     */
    Optional<Instruction> last(String keyword) {
      List<Instruction> found = all(keyword);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /**
     * The variables its {@code ENV} instructions set, later ones winning.
     *
     * @return name to value
     */
    Map<String, String> environment() {
      Map<String, String> env = new LinkedHashMap<>();
      for (Instruction instruction : all("ENV")) {
        env.putAll(assignments(instruction.arguments()));
      }
      return env;
    }
  }

  private final Map<String, String> globalArgs;
  private final List<Stage> stages;

  private Dockerfile(Map<String, String> globalArgs, List<Stage> stages) {
    this.globalArgs = globalArgs;
    this.stages = stages;
  }

  /**
   * Reads a Dockerfile.
   *
   * @param file the file
   * @return its stages
   * @throws IOException if it cannot be read
   */
  static Dockerfile read(Path file) throws IOException {
    Map<String, String> globalArgs = new LinkedHashMap<>();
    List<Stage> stages = new ArrayList<>();
    String name = null;
    String from = null;
    List<Instruction> current = null;
    for (String line : logicalLines(Files.readAllLines(file))) {
      Instruction instruction = instruction(line);
      if (instruction.keyword().equals("FROM")) {
        if (current != null) {
          stages.add(new Stage(name, from, List.copyOf(current)));
        }
        String[] words = instruction.arguments().split("\\s+");
        from = words[0];
        name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
        current = new ArrayList<>();
      } else if (current == null) {
        if (!instruction.keyword().equals("ARG")) {
          throw new IllegalArgumentException(file + ": only ARG may precede the first FROM: "
              + line);
        }
        String[] arg = instruction.arguments().split("=", 2);
        globalArgs.put(arg[0], arg.length == 2 ? unquote(arg[1]) : "");
      } else {
        current.add(instruction);
      }
    }
    if (current == null) {
      throw new IllegalArgumentException(file + " has no FROM");
    }
    stages.add(new Stage(name, from, List.copyOf(current)));
    return new Dockerfile(globalArgs, List.copyOf(stages));
  }

  /** Drops comments and blank lines and joins lines ending in a backslash. */
  private static List<String> logicalLines(List<String> lines) {
    List<String> logical = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String raw : lines) {
      if (raw.strip().startsWith("#") || (raw.isBlank() && pending.length() == 0)) {
        continue;
      }
      String line = raw.stripTrailing();
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1);
        continue;
      }
      pending.append(line);
      if (!pending.toString().isBlank()) {
        logical.add(pending.toString().strip());
      }
      pending.setLength(0);
    }
    if (!pending.toString().isBlank()) {
      logical.add(pending.toString().strip());
    }
    return logical;
  }

  private static Instruction instruction(String line) {
    String[] split = line.split("\\s+", 2);
    String rest = split.length == 2 ? split[1].strip() : "";
    Map<String, String> flags = new LinkedHashMap<>();
    while (rest.startsWith("--")) {
      String[] flagAndRest = rest.split("\\s+", 2);
      String[] flag = flagAndRest[0].substring(2).split("=", 2);
      flags.put(flag[0], flag.length == 2 ? flag[1] : "");
      rest = flagAndRest.length == 2 ? flagAndRest[1].strip() : "";
    }
    return new Instruction(split[0].toUpperCase(Locale.ROOT), flags, rest);
  }

  /** {@code NAME=value ...} with double-quoted values, or the older {@code NAME value}. */
  private static Map<String, String> assignments(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    String first = text.split("\\s+", 2)[0];
    if (!first.contains("=")) {
      String[] legacy = text.split("\\s+", 2);
      out.put(legacy[0], legacy.length == 2 ? legacy[1] : "");
      return out;
    }
    Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)")
        .matcher(text);
    while (m.find()) {
      out.put(m.group(1), unquote(m.group(2)));
    }
    return out;
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1).replace("\\\"", "\"");
    }
    return value;
  }

  /**
   * The build arguments declared before the first {@code FROM}, with their defaults.
   *
   * @return name to default
   */
  Map<String, String> globalArgs() {
    return globalArgs;
  }

  /**
   * Every stage, in order.
   *
   * @return the stages
   */
  List<Stage> stages() {
    return stages;
  }

  /**
   * The stage a build ends with.
   *
   * @return the last stage
   */
  Stage finalStage() {
    return stages.get(stages.size() - 1);
  }

  /**
   * Expands build arguments in a {@code FROM} or {@code --from} value.
   *
   * @param text the value
   * @param buildArgs arguments given to the build; the declared defaults fill the rest
   * @return the expanded value
   */
  String expand(String text, Map<String, String> buildArgs) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String variable = m.group(1) != null ? m.group(1) : m.group(3);
      String value = buildArgs.getOrDefault(variable, globalArgs.get(variable));
      if (value == null || value.isEmpty()) {
        value = m.group(2) != null ? m.group(2) : "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * The stage that a {@code FROM} or {@code --from} value names.
   *
   * @param reference the value, unexpanded
   * @param buildArgs arguments given to the build
   * @return the stage, or empty when the value names an image
   */
  Optional<Stage> stageNamed(String reference, Map<String, String> buildArgs) {
    String expanded = expand(reference, buildArgs);
    return stages.stream().filter(s -> expanded.equals(s.name())).findFirst();
  }

  /**
   * The image a stage starts from, following {@code FROM} through other stages.
   *
   * @param stage the stage
   * @param buildArgs arguments given to the build
   * @return the image reference
   */
  String baseImage(Stage stage, Map<String, String> buildArgs) {
    Stage s = stage;
    for (int hops = 0; hops <= stages.size(); hops++) {
      Optional<Stage> parent = stageNamed(s.from(), buildArgs);
      if (parent.isEmpty()) {
        return expand(s.from(), buildArgs);
      }
      s = parent.get();
    }
    throw new IllegalStateException("the stages' FROM lines form a cycle at " + stage.name());
  }

  /**
   * The variables a stage's image has: the {@code ENV} of the stages its {@code FROM} chain
   * passes through, then its own, later ones winning.
   *
   * @param stage the stage
   * @param buildArgs arguments given to the build
   * @return name to value
   */
  Map<String, String> environment(Stage stage, Map<String, String> buildArgs) {
    List<Stage> chain = new ArrayList<>();
    Optional<Stage> s = Optional.of(stage);
    while (s.isPresent() && chain.size() <= stages.size()) {
      chain.add(0, s.get());
      s = stageNamed(s.get().from(), buildArgs);
    }
    Map<String, String> env = new LinkedHashMap<>();
    chain.forEach(c -> env.putAll(c.environment()));
    return env;
  }

  /**
   * The stages a build passes through to produce a stage: itself, the stages its {@code FROM}
   * chain names, and those its {@code COPY --from} instructions name, transitively.
   *
   * @param stage the stage built
   * @param buildArgs arguments given to the build
   * @return the stages, the given one first
   */
  List<Stage> stagesBuiltFor(Stage stage, Map<String, String> buildArgs) {
    List<Stage> built = new ArrayList<>();
    List<Stage> todo = new ArrayList<>(List.of(stage));
    while (!todo.isEmpty()) {
      Stage s = todo.remove(0);
      if (built.contains(s)) {
        continue;
      }
      built.add(s);
      stageNamed(s.from(), buildArgs).ifPresent(todo::add);
      for (Instruction copy : s.all("COPY")) {
        String from = copy.flags().get("from");
        if (from != null) {
          stageNamed(from, buildArgs).ifPresent(todo::add);
        }
      }
    }
    return built;
  }
}
