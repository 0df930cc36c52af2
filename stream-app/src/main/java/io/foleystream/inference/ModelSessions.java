package io.foleystream.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX Runtime sessions of a model set, created once from the files (so external data beside
 * a graph loads) and shared by every thread. Each session's inputs and outputs are checked against
 * the manifest; the provider each session got is logged and available from {@link #providers()}.
 */
public final class ModelSessions implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelSessions.class);

  private final OrtEnvironment environment;
  private final Map<ModelGraph, OnnxModel> models;

  private ModelSessions(OrtEnvironment environment, Map<ModelGraph, OnnxModel> models) {
    this.environment = environment;
    this.models = models;
  }

  /**
   * Creates sessions for every graph of a set.
   *
   * @param set the verified set
   * @param options provider, threads, memory settings
   * @return the sessions
   * @throws ProviderUnavailableException if {@code cuda} was asked for and cannot be had
   * @throws ModelSetException if ONNX Runtime rejects a graph or its inputs and outputs differ
   *     from the manifest
   */
  public static ModelSessions open(ModelSet set, RuntimeOptions options) {
    return open(set, options, EnumSet.allOf(ModelGraph.class));
  }

  /**
   * Creates sessions for some graphs of a set (a stage that only extracts features needs two).
   *
   * @param set the verified set
   * @param options provider, threads, memory settings
   * @param graphs the graphs to load
   * @return the sessions
   * @throws ProviderUnavailableException if {@code cuda} was asked for and cannot be had
   * @throws ModelSetException if ONNX Runtime rejects a graph or its inputs and outputs differ
   *     from the manifest
   */
  public static ModelSessions open(ModelSet set, RuntimeOptions options,
      Collection<ModelGraph> graphs) {
    return open(set, options, graphs, ModelLoadListener.NONE);
  }

  /**
   * Creates sessions for some graphs of a set, telling a listener as each one is ready.
   *
   * @param set the verified set
   * @param options provider, threads, memory settings
   * @param graphs the graphs to load
   * @param listener told about each session created
   * @return the sessions
   * @throws ProviderUnavailableException if {@code cuda} was asked for and cannot be had
   * @throws ModelSetException if ONNX Runtime rejects a graph or its inputs and outputs differ
   *     from the manifest
   */
  public static ModelSessions open(ModelSet set, RuntimeOptions options,
      Collection<ModelGraph> graphs, ModelLoadListener listener) {
    return open(set, options, graphs, ProviderSelector.forThisRuntime(), listener);
  }

  static ModelSessions open(ModelSet set, RuntimeOptions options, Collection<ModelGraph> graphs,
      ProviderSelector selector) {
    return open(set, options, graphs, selector, ModelLoadListener.NONE);
  }

  private static ModelSessions open(ModelSet set, RuntimeOptions options,
      Collection<ModelGraph> graphs, ProviderSelector selector, ModelLoadListener listener) {
    OrtEnvironment environment = OrtEnvironment.getEnvironment(
        OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "foleystream");
    Map<ModelGraph, OnnxModel> models = new EnumMap<>(ModelGraph.class);
    RuntimeOptions effective = options;
    try {
      EnumSet<ModelGraph> wanted = EnumSet.copyOf(graphs);
      for (ModelGraph graph : wanted) {
        OnnxModel model = createSession(environment, set, graph, effective, selector);
        models.put(graph, model);
        listener.sessionCreated(graph, models.size(), wanted.size());
        if (effective.provider().kind() == ProviderChoice.Kind.AUTO
            && !model.provider().startsWith("CUDA")) {
          // auto decides once: the graphs after the first fallback go straight to CPU.
          effective = effective.withProvider(ProviderChoice.CPU);
        }
      }
    } catch (RuntimeException e) {
      models.values().forEach(OnnxModel::close);
      throw e;
    }
    return new ModelSessions(environment, models);
  }

  private static OnnxModel createSession(OrtEnvironment environment, ModelSet set,
      ModelGraph graph, RuntimeOptions options, ProviderSelector selector) {
    String file = set.file(graph).toString();
    ProviderSelector.Selection selection;
    OrtSession session;
    try (SessionOptions sessionOptions = sessionOptions(options, graph, set.file(graph))) {
      selection = selector.apply(sessionOptions, options.provider());
      try {
        session = environment.createSession(file, sessionOptions);
      } catch (OrtException e) {
        if (!selection.isCuda()) {
          throw new ModelSetException(file + ": ONNX Runtime cannot load this graph: "
              + e.getMessage(), e);
        }
        String reason = ProviderSelector.explainCudaFailure(e.getMessage(),
            options.provider().device());
        if (options.provider().kind() != ProviderChoice.Kind.AUTO) {
          throw new ProviderUnavailableException("execution provider " + options.provider()
              + " is not available: " + reason, e);
        }
        LOG.warn("{}: provider auto could not start a CUDA session ({}); using CPU", graph,
            reason);
        return createSession(environment, set, graph, options.withProvider(ProviderChoice.CPU),
            selector);
      }
    } catch (OrtException e) {
      throw new InferenceException(graph + ": cannot configure the session: " + e.getMessage(),
          e);
    }
    try {
      checkSignature(session, set, graph);
    } catch (RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
    if (selection.fallbackReason() != null) {
      LOG.warn("{}: provider auto found no usable CUDA ({}); using CPU", graph,
          selection.fallbackReason());
    }
    LOG.info("{}: session on {} (intra-op threads {}, inter-op threads {}, arena {}, "
        + "memory patterns {})", graph, selection.name(), threads(options.intraOpThreads()),
        threads(options.interOpThreads()), options.cpuArena(), options.memoryPattern());
    return new OnnxModel(graph, session, selection.name(), options.profileDirectory() != null);
  }

  private static String threads(int n) {
    return n == 0 ? "default" : Integer.toString(n);
  }

  /**
   * The session options for one graph file: threads, memory settings, profiling, and every
   * optimization except where {@link OptimizerHazardScan} finds a pattern that crashes them.
   */
  static SessionOptions sessionOptions(RuntimeOptions options, ModelGraph graph, Path file)
      throws OrtException {
    SessionOptions sessionOptions = new SessionOptions();
    try {
      if (options.profileDirectory() != null) {
        sessionOptions.enableProfiling(options.profileDirectory().resolve(graph.key())
            .toString());
      }
      int bareLayerNorms = OptimizerHazardScan.bareLayerNorms(file);
      if (bareLayerNorms > 0) {
        LOG.warn("{}: {} LayerNormalization nodes have an empty bias input, which crashes ONNX "
            + "Runtime's extended optimizations; loading this graph with basic optimizations "
            + "(re-export the set with explicit biases for full speed)", graph, bareLayerNorms);
        sessionOptions.setOptimizationLevel(SessionOptions.OptLevel.BASIC_OPT);
      } else {
        sessionOptions.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
      }
      if (options.intraOpThreads() > 0) {
        sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
      }
      if (options.interOpThreads() > 0) {
        sessionOptions.setInterOpNumThreads(options.interOpThreads());
      }
      if (options.interOpThreads() > 1) {
        sessionOptions.setExecutionMode(SessionOptions.ExecutionMode.PARALLEL);
      }
      sessionOptions.setCPUArenaAllocator(options.cpuArena());
      sessionOptions.setMemoryPatternOptimization(options.memoryPattern());
      return sessionOptions;
    } catch (OrtException | RuntimeException e) {
      sessionOptions.close();
      throw e;
    }
  }

  private static void checkSignature(OrtSession session, ModelSet set, ModelGraph graph) {
    ModelSetManifest.ModelSpec spec = set.manifest().models().get(graph);
    String file = set.file(graph).toString();
    try {
      compare(file, "input", session.getInputInfo(), spec.inputs());
      compare(file, "output", session.getOutputInfo(), spec.outputs());
    } catch (OrtException e) {
      throw new ModelSetException(file + ": cannot read the graph's inputs and outputs: "
          + e.getMessage(), e);
    }
  }

  private static void compare(String file, String kind, Map<String, NodeInfo> actual,
      List<TensorSpec> declared) {
    Set<String> declaredNames = new TreeSet<>();
    declared.forEach(t -> declaredNames.add(t.name()));
    if (!declaredNames.equals(new TreeSet<>(actual.keySet()))) {
      throw new ModelSetException(file + ": the graph's " + kind + "s are "
          + new TreeSet<>(actual.keySet()) + ", " + ModelSet.MANIFEST + " declares "
          + declaredNames);
    }
    for (TensorSpec spec : declared) {
      NodeInfo node = actual.get(spec.name());
      if (!(node.getInfo() instanceof TensorInfo info)) {
        throw new ModelSetException(file + ": " + kind + " '" + spec.name()
            + "' is not a tensor in the graph");
      }
      String dtype = dtypeName(info.type);
      long[] shape = info.getShape();
      boolean matches = dtype.equals(spec.dtype()) && shape.length == spec.shape().size();
      for (int i = 0; matches && i < shape.length; i++) {
        TensorSpec.Dimension dim = spec.shape().get(i);
        matches = dim.isSymbolic() ? shape[i] < 0 : shape[i] == dim.size();
      }
      if (!matches) {
        throw new ModelSetException(file + ": " + kind + " '" + spec.name() + "' is " + dtype
            + " " + Arrays.toString(shape) + " in the graph (-1 = symbolic), "
            + ModelSet.MANIFEST + " declares " + spec);
      }
    }
  }

  private static String dtypeName(OnnxJavaType type) {
    return switch (type) {
      case FLOAT -> TensorSpec.FLOAT32;
      case INT64 -> TensorSpec.INT64;
      default -> type.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warn("closing a rejected session failed: {}", e.getMessage());
    }
  }

  OrtEnvironment environment() {
    return environment;
  }

  /**
   * A loaded graph.
   *
   * @param graph the graph
   * @return its session
   * @throws IllegalStateException if the graph was not loaded
   */
  OnnxModel model(ModelGraph graph) {
    OnnxModel model = models.get(graph);
    if (model == null) {
      throw new IllegalStateException(graph + " was not loaded; loaded: " + models.keySet());
    }
    return model;
  }

  /**
   * The provider each loaded graph's session got.
   *
   * @return graph to provider name ({@code CPU} or {@code CUDA:N})
   */
  public Map<ModelGraph, String> providers() {
    Map<ModelGraph, String> providers = new EnumMap<>(ModelGraph.class);
    models.forEach((graph, model) -> providers.put(graph, model.provider()));
    return providers;
  }

  /** Closes every session. */
  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    for (OnnxModel model : models.values()) {
      try {
        model.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    models.clear();
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }
}
