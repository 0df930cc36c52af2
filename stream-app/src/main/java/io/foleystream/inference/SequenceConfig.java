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
 */
public record SequenceConfig(
    int latentLen, int latentDim, int hiddenDim,
    int clipLen, int syncLen, int textLen,
    int clipDim, int syncDim, int textDim,
    int clipFps, int syncFps, int clipFrames, int syncFrames,
    int syncSegmentFrames, int syncSegmentStep,
    int clipImageSize, int syncImageSize, int samples) {

  /** Synchformer feature rows per segment. */
  public static final int SYNC_TOKENS_PER_SEGMENT = 8;

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
}
