package io.foleystream.cli;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.SequenceConfig;
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
   * Extracts the features of the window that starts at the video's first frame.
   *
   * @param video the video file
   * @param engine the engine whose set fixes the window and frame geometry
   * @param timings receives the decode and extraction times
   * @param err where warnings go
   * @return the window's features
   * @throws MediaException if the video cannot be read or decoded
   * @throws IllegalArgumentException if the media package's frames do not fit the model set
   */
  static VideoFeatures firstWindow(Path video, FoleyEngine engine, StageTimings timings,
      PrintWriter err) throws MediaException {
    SequenceConfig s = engine.modelSet().sequence();
    long durationUs = Math.round(engine.modelSet().manifest().durationS() * 1e6);
    long start = System.nanoTime();
    WindowFrames frames;
    try (WindowFrameExtractor extractor = new WindowFrameExtractor(DecoderSettings.defaults())) {
      frames = extractor.extract(video, 0, durationUs);
    }
    timings.add("decode video", System.nanoTime() - start);
    requireGeometry(frames.clip(), s.clipFrames(), s.clipImageSize(), "CLIP");
    requireGeometry(frames.sync(), s.syncFrames(), s.syncImageSize(), "Synchformer");
    if (!frames.complete()) {
      err.printf(Locale.ROOT, "warning: %s is shorter than the %.1f s window: %d of %d CLIP and "
          + "%d of %d Synchformer frames come from the video, the rest repeat its last frame%n",
          video, engine.modelSet().manifest().durationS(), frames.clip().covered(),
          frames.clip().count(), frames.sync().covered(), frames.sync().count());
    }
    start = System.nanoTime();
    float[] clip = engine.clipImageEncoder().encode(FloatBuffer.wrap(frames.clip().data()),
        frames.clip().count());
    timings.add("clip features", System.nanoTime() - start);
    start = System.nanoTime();
    float[] sync = engine.synchformerEncoder().encode(FloatBuffer.wrap(frames.sync().data()),
        frames.sync().count());
    timings.add("sync features", System.nanoTime() - start);
    return new VideoFeatures(clip, sync);
  }

  private static void requireGeometry(SampledFrames frames, int count, int size, String what) {
    if (frames.count() != count || frames.size() != size) {
      throw new IllegalArgumentException(what + " frames are " + frames.count() + " x " + size
          + " px from the media package, the model set needs " + count + " x " + size + " px");
    }
  }
}
