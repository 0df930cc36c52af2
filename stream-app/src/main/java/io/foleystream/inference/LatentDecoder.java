package io.foleystream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * The {@code decoder} graph: normalised latents to waveforms, trimmed to exactly duration x sample
 * rate samples. (The 44.1 kHz networks produce L x 512 x 2 samples, up to 1023 more than the
 * window; MMAudio keeps them, foleystream cuts them so that consecutive windows tile the
 * timeline. At 16 kHz nothing is cut.)
 */
final class LatentDecoder {

  private final OnnxModel model;
  private final OrtEnvironment environment;
  private final SequenceConfig sequence;
  private final int keptSamples;

  /**
   * A decoder for windows of one duration.
   *
   * @param model the decoder graph
   * @param environment the ONNX Runtime environment
   * @param sequence the windows' geometry (its latent length is the graph's run-time length)
   * @param durationS the windows' duration
   * @param sampleRate the output sample rate
   */
  LatentDecoder(OnnxModel model, OrtEnvironment environment, SequenceConfig sequence,
      double durationS, int sampleRate) {
    this.model = model;
    this.environment = environment;
    this.sequence = sequence;
    this.keptSamples = (int) Math.min(sequence.samples(), Math.round(durationS * sampleRate));
  }

  /**
   * Samples per decoded window.
   *
   * @return round(duration x sample rate), at most the decoder's output length
   */
  int samplesPerWindow() {
    return keptSamples;
  }

  /**
   * Decodes a batch of latents.
   *
   * @param latents {@code windows * latent_len * latent_dim} normalised latents
   * @param windows the batch
   * @return one waveform per window
   */
  float[][] decode(float[] latents, int windows) {
    try (OnnxTensor input = Tensors.floats(environment, FloatBuffer.wrap(latents), windows,
        sequence.latentLen(), sequence.latentDim());
        OrtSession.Result result = model.run(Map.of("latent", input))) {
      float[] all = Tensors.toArray(result.get(0), "decoder.waveform");
      if (all.length != windows * sequence.samples()) {
        throw new InferenceException("decoder returned " + all.length + " samples for "
            + windows + " windows, expected " + windows * sequence.samples());
      }
      float[][] waveforms = new float[windows][];
      for (int w = 0; w < windows; w++) {
        int from = w * sequence.samples();
        waveforms[w] = Arrays.copyOfRange(all, from, from + keptSamples);
      }
      return waveforms;
    }
  }
}
