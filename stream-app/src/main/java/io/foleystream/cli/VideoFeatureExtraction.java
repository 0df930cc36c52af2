package io.foleystream.cli;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.SequenceConfig;
import io.foleystream.inference.SequenceLengths;
import io.foleystream.inference.VideoFeatures;
import io.foleystream.media.DecoderSettings;
import io.foleystream.media.MediaException;
import io.foleystream.media.SampledFrames;
import io.foleystream.media.WindowFrameExtractor;
import io.foleystream.media.WindowFrames;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A video file's first window as model features: the media package decodes, samples and
 * preprocesses the frames; the engine's CLIP and Synchformer extractors turn them into features.
 */
final class VideoFeatureExtraction {

  private VideoFeatureExtraction() {}

  /**
   * A window's features and the duration they cover.
   *
   * @param features the features, of the geometry of {@code durationS}
   * @param durationS the requested duration, or the shorter one the video covers
   */
  record Window(VideoFeatures features, double durationS) {}

  /**
   * Extracts the features of the window that starts at the video's first frame. A video shorter
   * than the window shrinks it, as the official {@code load_video} does: to the duration both
   * frame grids cover, keeping int(8 d) CLIP and int(25 d) Synchformer frames.
   *
   * @param video the video file
   * @param engine the engine whose set fixes the frame geometry
   * @param durationS the requested window duration
   * @param timings receives the decode and extraction times
   * @param err where warnings go
   * @return the window's features and duration
   * @throws MediaException if the video cannot be read or decoded
   * @throws IllegalArgumentException if the media package's frames do not fit the model set
   * @throws io.foleystream.inference.InvalidInputException if the video covers less than one
   *     Synchformer segment
   */
  static Window firstWindow(Path video, FoleyEngine engine, double durationS,
      StageTimings timings, PrintWriter err) throws MediaException {
    SequenceConfig s = engine.sequenceAt(durationS);
    long durationUs = Math.round(durationS * 1e6);
    long start = System.nanoTime();
    WindowFrames frames;
    try (WindowFrameExtractor extractor = new WindowFrameExtractor(DecoderSettings.defaults())) {
      frames = extractor.extract(video, 0, durationUs);
    }
    timings.add("decode video", System.nanoTime() - start);
    requireGeometry(frames.clip(), s.clipFrames(), s.clipImageSize(), "CLIP");
    requireGeometry(frames.sync(), s.syncFrames(), s.syncImageSize(), "Synchformer");
    double covered = durationS;
    if (!frames.complete()) {
      covered = SequenceLengths.coveredDurationS(durationS, frames.clip().covered(),
          frames.sync().covered(), s);
      s = engine.sequenceAt(covered);
      err.printf(Locale.ROOT, "warning: %s is shorter than the %s s window: it covers %d CLIP "
          + "and %d Synchformer frames, so the audio is generated for %s s, as MMAudio does%n",
          video, durationS, frames.clip().covered(), frames.sync().covered(), covered);
    }
    int clipFloats = s.clipFrames() * 3 * s.clipImageSize() * s.clipImageSize();
    int syncFloats = s.syncFrames() * 3 * s.syncImageSize() * s.syncImageSize();
    start = System.nanoTime();
    float[] clip = engine.clipImageEncoder().encode(
        FloatBuffer.wrap(frames.clip().data(), 0, clipFloats), s.clipFrames());
    timings.add("clip features", System.nanoTime() - start);
    start = System.nanoTime();
    float[] sync = engine.synchformerEncoder().encode(
        FloatBuffer.wrap(frames.sync().data(), 0, syncFloats), s.syncFrames());
    timings.add("sync features", System.nanoTime() - start);
    return new Window(new VideoFeatures(clip, sync), covered);
  }

  private static void requireGeometry(SampledFrames frames, int count, int size, String what) {
    if (frames.count() != count || frames.size() != size) {
      throw new IllegalArgumentException(what + " frames are " + frames.count() + " x " + size
          + " px from the media package, the model set needs " + count + " x " + size + " px");
    }
  }
}
