package io.foleystream.inference;

import static io.foleystream.inference.TensorSpec.FLOAT32;
import static io.foleystream.inference.TensorSpec.INT64;

import java.util.List;

/**
 * The seven graphs of a model set and the inputs and outputs the engine feeds and reads, as
 * docs/model-set.md fixes them. Batch dimensions and the duration-dependent lengths (latent,
 * CLIP, sync, samples: {@link SequenceLengths}) are symbolic, so one set serves every duration;
 * every other size follows from the set's {@link SequenceConfig}.
 */
public enum ModelGraph {

  /** CLIP image tower: normalised frames to L2-normalised features. */
  CLIP_IMAGE("clip_image") {
    @Override
    List<TensorSpec> inputs(SequenceConfig s) {
      return List.of(TensorSpec.of("frames", FLOAT32, "N", 3, s.clipImageSize(),
          s.clipImageSize()));
    }

    @Override
    List<TensorSpec> outputs(SequenceConfig s) {
      return List.of(TensorSpec.of("features", FLOAT32, "N", s.clipDim()));
    }
  },

  /** CLIP text tower: token ids to per-token features. */
  CLIP_TEXT("clip_text") {
    @Override
    List<TensorSpec> inputs(SequenceConfig s) {
      return List.of(TensorSpec.of("tokens", INT64, "B", s.textLen()));
    }

    @Override
    List<TensorSpec> outputs(SequenceConfig s) {
      return List.of(TensorSpec.of("features", FLOAT32, "B", s.textLen(), s.textDim()));
    }
  },

  /** Synchformer: 16-frame segments to 8 feature rows each. */
  SYNCHFORMER("synchformer") {
    @Override
    List<TensorSpec> inputs(SequenceConfig s) {
      return List.of(TensorSpec.of("segments", FLOAT32, "S", s.syncSegmentFrames(), 3,
          s.syncImageSize(), s.syncImageSize()));
    }

    @Override
    List<TensorSpec> outputs(SequenceConfig s) {
      return List.of(TensorSpec.of("features", FLOAT32, "S",
          SequenceConfig.SYNC_TOKENS_PER_SEGMENT, s.syncDim()));
    }
  },

  /** MMAudio's condition preprocessing, once per window and branch. */
  CONDITIONS("conditions") {
    @Override
    List<TensorSpec> inputs(SequenceConfig s) {
      return List.of(
          TensorSpec.of("clip_features", FLOAT32, "B", CLIP_LEN, s.clipDim()),
          TensorSpec.of("sync_features", FLOAT32, "B", SYNC_LEN, s.syncDim()),
          TensorSpec.of("text_features", FLOAT32, "B", s.textLen(), s.textDim()),
          TensorSpec.of(LATENT_LEN, INT64, 1));
    }

    @Override
    List<TensorSpec> outputs(SequenceConfig s) {
      return conditionTensors(s);
    }
  },

  /** One flow prediction: the network evaluation of one Euler step. */
  VELOCITY("velocity") {
    @Override
    List<TensorSpec> inputs(SequenceConfig s) {
      List<TensorSpec> inputs = new java.util.ArrayList<>();
      inputs.add(TensorSpec.of("x", FLOAT32, "B", LATENT_LEN, s.latentDim()));
      inputs.add(TensorSpec.of("t", FLOAT32, "B"));
      inputs.addAll(conditionTensors(s));
      return List.copyOf(inputs);
    }

    @Override
    List<TensorSpec> outputs(SequenceConfig s) {
      return List.of(TensorSpec.of("flow", FLOAT32, "B", LATENT_LEN, s.latentDim()));
    }
  },

  /** Latent un-normalisation, VAE decoder and mel un-normalisation: the whole window's mel. */
  VAE_DECODER("vae_decoder") {
    @Override
    List<TensorSpec> inputs(SequenceConfig s) {
      return List.of(TensorSpec.of("latent", FLOAT32, "B", LATENT_LEN, s.latentDim()));
    }

    @Override
    List<TensorSpec> outputs(SequenceConfig s) {
      return List.of(TensorSpec.of("mel", FLOAT32, "B", s.melBins(), MEL_LEN));
    }
  },

  /** The vocoder: mel to waveform, any stretch of a window's mel. */
  VOCODER("vocoder") {
    @Override
    List<TensorSpec> inputs(SequenceConfig s) {
      return List.of(TensorSpec.of("mel", FLOAT32, "B", s.melBins(), MEL_LEN));
    }

    @Override
    List<TensorSpec> outputs(SequenceConfig s) {
      return List.of(TensorSpec.of("waveform", FLOAT32, "B", SAMPLES));
    }
  };

  /** The symbolic latent length axis, and the conditions input that holds its value. */
  static final String LATENT_LEN = "latent_len";
  /** The symbolic CLIP length axis. */
  static final String CLIP_LEN = "clip_len";
  /** The symbolic sync length axis. */
  static final String SYNC_LEN = "sync_len";
  /** The symbolic mel length axis. */
  static final String MEL_LEN = "mel_len";
  /** The symbolic waveform length axis. */
  static final String SAMPLES = "samples";

  private final String key;

  ModelGraph(String key) {
    this.key = key;
  }

  /**
   * The graph's key in the manifest's {@code models} object.
   *
   * @return e.g. {@code "velocity"}
   */
  public String key() {
    return key;
  }

  /**
   * The graph for a manifest key.
   *
   * @param key e.g. {@code "clip_text"}
   * @return the graph, or null if no graph has that key
   */
  static ModelGraph forKey(String key) {
    for (ModelGraph graph : values()) {
      if (graph.key.equals(key)) {
        return graph;
      }
    }
    return null;
  }

  abstract List<TensorSpec> inputs(SequenceConfig sequence);

  abstract List<TensorSpec> outputs(SequenceConfig sequence);

  private static List<TensorSpec> conditionTensors(SequenceConfig s) {
    return List.of(
        TensorSpec.of("clip_f", FLOAT32, "B", CLIP_LEN, s.hiddenDim()),
        TensorSpec.of("sync_f", FLOAT32, "B", LATENT_LEN, s.hiddenDim()),
        TensorSpec.of("text_f", FLOAT32, "B", s.textLen(), s.hiddenDim()),
        TensorSpec.of("clip_c", FLOAT32, "B", s.hiddenDim()),
        TensorSpec.of("text_c", FLOAT32, "B", s.hiddenDim()));
  }

  @Override
  public String toString() {
    return key;
  }
}
