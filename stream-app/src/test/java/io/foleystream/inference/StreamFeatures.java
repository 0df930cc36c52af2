package io.foleystream.inference;

import java.util.Arrays;
import java.util.Random;

/**
 * Random visual features of a stream longer than a window, from which windows starting at any
 * whole number of latent frames are cut, so that overlapping windows see the same features for
 * the same stream time (as windows of a real stream do).
 */
final class StreamFeatures {

  private final SequenceConfig s;
  private final int sampleRate;
  private final float[] clip;
  private final float[] sync;

  /**
   * @param s the geometry
   * @param sampleRate output sample rate
   * @param windows how many windows' worth of stream
   * @param seed the seed
   */
  StreamFeatures(SequenceConfig s, int sampleRate, int windows, long seed) {
    this.s = s;
    this.sampleRate = sampleRate;
    Random random = new Random(seed);
    clip = new float[windows * s.clipLen() * s.clipDim()];
    sync = new float[windows * s.syncLen() * s.syncDim()];
    for (int i = 0; i < clip.length; i++) {
      clip[i] = (float) random.nextGaussian() * 0.1f;
    }
    for (int i = 0; i < sync.length; i++) {
      sync[i] = (float) random.nextGaussian();
    }
  }

  /**
   * The features of the window that starts a number of latent frames into the stream: rows
   * shifted by the nearest whole row of each feature's rate.
   *
   * @param startFrame the window's first latent frame
   * @return the window's features
   */
  VideoFeatures window(int startFrame) {
    double seconds = (double) startFrame * s.samplesPerLatentFrame() / sampleRate;
    double windowSeconds = (double) s.samples() / sampleRate;
    int clipRow = (int) Math.round(seconds * s.clipLen() / windowSeconds);
    int syncRow = (int) Math.round(seconds * s.syncLen() / windowSeconds);
    return new VideoFeatures(
        Arrays.copyOfRange(clip, clipRow * s.clipDim(), (clipRow + s.clipLen()) * s.clipDim()),
        Arrays.copyOfRange(sync, syncRow * s.syncDim(), (syncRow + s.syncLen()) * s.syncDim()));
  }
}
