package io.foleystream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Normalised latents to waveforms: the {@code vae_decoder} graph over the whole window, then the
 * {@code vocoder} graph over the part of the window's mel the caller needs, trimmed to exactly
 * duration x sample rate samples. (The 44.1 kHz networks produce L x 512 x 2 samples, up to 1023
 * more than the window; MMAudio keeps them, foleystream cuts them so that consecutive windows tile
 * the timeline. At 16 kHz nothing is cut.)
 *
 * <h2>Rendering only the end of a window</h2>
 * The VAE decoder attends over the whole window, so it always runs whole; the vocoder only sees
 * {@link SequenceConfig#vocoderContextFrames()} mel frames either side of an output sample. A
 * window of which only the end is published (a live window, which repeats what the window before
 * it published) is vocoded from that many frames before the first needed sample's mel frame: the
 * samples from that frame on come out as in a whole-window run, and the vocoder, nearly all of
 * the decoding time, runs on a hop and a margin instead of a window.
 */
final class LatentDecoder {

  private final OnnxModel vaeDecoder;
  private final OnnxModel vocoder;
  private final OrtEnvironment environment;
  private final SequenceConfig sequence;
  private final int keptSamples;

  /**
   * A decoder for windows of one duration.
   *
   * @param vaeDecoder the VAE decoder graph
   * @param vocoder the vocoder graph
   * @param environment the ONNX Runtime environment
   * @param sequence the windows' geometry (its latent length is the graphs' run-time length)
   * @param durationS the windows' duration
   * @param sampleRate the output sample rate
   */
  LatentDecoder(OnnxModel vaeDecoder, OnnxModel vocoder, OrtEnvironment environment,
      SequenceConfig sequence, double durationS, int sampleRate) {
    this.vaeDecoder = vaeDecoder;
    this.vocoder = vocoder;
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
   * The first sample {@link #decode} renders when asked for the audio from a given sample: the
   * start of that sample's mel frame, or 0 when the vocoder's context reaches the window's start
   * anyway.
   *
   * @param fromSample the first sample needed, 0 for the whole window
   * @return the first rendered sample, at or before {@code fromSample}
   */
  int renderedFrom(int fromSample) {
    return firstMelFrame(fromSample) == 0 ? 0
        : fromSample / sequence.samplesPerMelFrame() * sequence.samplesPerMelFrame();
  }

  /**
   * Decodes one window's latent.
   *
   * @param latent {@code latent_len * latent_dim} normalised latent values
   * @param fromSample the first sample needed, 0 for the whole window
   * @return {@link #samplesPerWindow()} samples; those before {@link #renderedFrom
   *     renderedFrom(fromSample)} are not rendered and are zero
   */
  float[] decode(float[] latent, int fromSample) {
    if (fromSample < 0 || fromSample >= keptSamples) {
      throw new IllegalArgumentException("first sample " + fromSample + " outside a window of "
          + keptSamples);
    }
    int frames = sequence.melFrames();
    int bins = sequence.melBins();
    int first = firstMelFrame(fromSample);
    int hop = sequence.samplesPerMelFrame();
    float[] mel;
    try (OnnxTensor input = Tensors.floats(environment, FloatBuffer.wrap(latent), 1,
        sequence.latentLen(), sequence.latentDim());
        OrtSession.Result result = vaeDecoder.run(
            Map.of(ModelGraph.VAE_DECODER.inputName(0), input))) {
      mel = Tensors.toArray(result.get(0), ModelGraph.VAE_DECODER.outputLabel(0));
    }
    if (mel.length != bins * frames) {
      throw new InferenceException("vae_decoder returned " + mel.length + " values, expected "
          + bins + " mel bins x " + frames + " frames");
    }
    int kept = frames - first;
    float[] stretch = new float[bins * kept];
    for (int b = 0; b < bins; b++) {
      System.arraycopy(mel, b * frames + first, stretch, b * kept, kept);
    }
    float[] rendered;
    try (OnnxTensor input = Tensors.floats(environment, FloatBuffer.wrap(stretch), 1, bins, kept);
        OrtSession.Result result = vocoder.run(Map.of(ModelGraph.VOCODER.inputName(0), input))) {
      rendered = Tensors.toArray(result.get(0), ModelGraph.VOCODER.outputLabel(0));
    }
    if (rendered.length != kept * hop) {
      throw new InferenceException("vocoder returned " + rendered.length + " samples for "
          + kept + " mel frames, expected " + kept * hop);
    }
    float[] waveform = new float[keptSamples];
    int from = renderedFrom(fromSample);
    System.arraycopy(rendered, from - first * hop, waveform, from, keptSamples - from);
    return waveform;
  }

  private int firstMelFrame(int fromSample) {
    return Math.max(0, fromSample / sequence.samplesPerMelFrame()
        - sequence.vocoderContextFrames());
  }
}
