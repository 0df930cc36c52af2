package io.foleystream.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

/** The committed tiny model set of the exporter, and copies of it to break on purpose. */
final class TinyModelSet {

  /** The set, relative to the stream-app module. */
  static final Path DIRECTORY = Path.of("../onnx-models/fixtures/tiny/model-set");
  /** Its golden inputs and outputs. */
  static final Path GOLDEN = Path.of("../onnx-models/fixtures/tiny/golden");

  private TinyModelSet() {}

  /**
   * Copies the set into a directory.
   *
   * @param target an empty directory
   * @return the copy
   */
  static Path copyTo(Path target) throws IOException {
    try (Stream<Path> files = Files.list(DIRECTORY)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, target.resolve(file.getFileName()));
      }
    }
    return target;
  }

  /**
   * Random features of the set's geometry: CLIP rows small, sync rows standard normal.
   *
   * @param s the geometry
   * @param seed the seed
   * @return the features
   */
  static VideoFeatures features(SequenceConfig s, long seed) {
    Random random = new Random(seed);
    float[] clip = new float[s.clipLen() * s.clipDim()];
    float[] sync = new float[s.syncLen() * s.syncDim()];
    for (int i = 0; i < clip.length; i++) {
      clip[i] = (float) random.nextGaussian() * 0.1f;
    }
    for (int i = 0; i < sync.length; i++) {
      sync[i] = (float) random.nextGaussian();
    }
    return new VideoFeatures(clip, sync);
  }
}
