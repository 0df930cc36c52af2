package io.foleystream.inference;

/**
 * The fixed geometry of a model set (model-facts.md section 2), as {@code manifest.json}'s
 * {@code sequence} object declares it.
 *
 * @param latentLen latent sequence length L
 * @param latentDim latent channels
 * @param hiddenDim network width D
 * @param clipLen CLIP feature rows per window
 * @param syncLen Synchformer feature rows per window
 * @param textLen text tokens (77)
 * @param clipDim CLIP feature width
 * @param syncDim Synchformer feature width
 * @param textDim CLIP text feature width
 * @param clipFps CLIP frame rate
 * @param syncFps Synchformer frame rate
 * @param clipFrames CLIP frames per window
 * @param syncFrames Synchformer frames per window
 * @param syncSegmentFrames frames per Synchformer segment (16)
 * @param syncSegmentStep frames between segment starts (8)
 * @param clipImageSize CLIP frame side in pixels
 * @param syncImageSize Synchformer frame side in pixels
 * @param samples waveform samples the decoder produces per window
 * @param melBins mel bins between the VAE decoder and the vocoder
 * @param vocoderContextFrames mel frames before a stretch of audio the vocoder must see for that
 *     stretch to come out as it does inside the whole window's mel
 */
public record SequenceConfig(
    int latentLen, int latentDim, int hiddenDim,
    int clipLen, int syncLen, int textLen,
    int clipDim, int syncDim, int textDim,
    int clipFps, int syncFps, int clipFrames, int syncFrames,
    int syncSegmentFrames, int syncSegmentStep,
    int clipImageSize, int syncImageSize, int samples, int melBins, int vocoderContextFrames) {

  /** Synchformer feature rows per segment. */
  public static final int SYNC_TOKENS_PER_SEGMENT = 8;

  /** The VAE decoder's time upsampling from latent frames to mel frames. */
  public static final int MEL_FRAMES_PER_LATENT_FRAME = 2;

  /**
   * The number of Synchformer segments in a window.
   *
   * @return (syncFrames - syncSegmentFrames) / syncSegmentStep + 1
   */
  public int syncSegments() {
    return (syncFrames - syncSegmentFrames) / syncSegmentStep + 1;
  }

  /**
   * Decoder output samples per latent frame (STFT hop x the VAE's time downsampling of 2).
   *
   * @return samples / latentLen: 512 for 16 kHz sets, 1024 for 44.1 kHz sets
   */
  public int samplesPerLatentFrame() {
    return samples / latentLen;
  }

  /**
   * Mel frames per window, between the VAE decoder and the vocoder.
   *
   * @return 2 x latentLen (the VAE decoder upsamples time by 2)
   */
  public int melFrames() {
    return MEL_FRAMES_PER_LATENT_FRAME * latentLen;
  }

  /**
   * Output samples per mel frame, the vocoder's upsampling (the mel's STFT hop).
   *
   * @return 256 for 16 kHz sets, 512 for 44.1 kHz sets
   */
  public int samplesPerMelFrame() {
    return samplesPerLatentFrame() / MEL_FRAMES_PER_LATENT_FRAME;
  }
}
