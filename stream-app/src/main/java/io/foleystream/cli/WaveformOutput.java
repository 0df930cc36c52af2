package io.foleystream.cli;

import io.foleystream.media.AudioBlock;
import io.foleystream.media.AudioFileWriter;
import io.foleystream.media.AudioVideoMuxer;
import io.foleystream.media.MediaException;
import io.foleystream.npy.NpyArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where a generated waveform goes: {@code .npy} keeps the exact float32 samples for comparison
 * with a reference run; {@code .wav} and {@code .flac} (16-bit) and the muxed video are written by
 * the media package.
 */
final class WaveformOutput {

  private WaveformOutput() {}

  /**
   * Fails early for an output name nothing here can write.
   *
   * @param file the output path
   * @throws IllegalArgumentException unless it ends in .npy, .wav or .flac
   */
  static void requireSupported(Path file) {
    if (!isNpy(file)) {
      AudioFileWriter.Format.forFile(file);
    }
  }

  /**
   * The container a muxed output's name asks for.
   *
   * @param file a path ending in .mp4 or .ts
   * @return the container
   * @throws IllegalArgumentException for other extensions
   */
  static AudioVideoMuxer.Container containerFor(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".mp4")) {
      return AudioVideoMuxer.Container.MP4;
    }
    if (name.endsWith(".ts")) {
      return AudioVideoMuxer.Container.MPEG_TS;
    }
    throw new IllegalArgumentException(file + ": --mux output must end in .mp4 or .ts");
  }

  /**
   * Writes the waveform in the format the file name asks for.
   *
   * @param file a {@code .npy}, {@code .wav} or {@code .flac} path
   * @param samples the mono waveform
   * @param sampleRate samples per second
   * @throws IOException if writing the .npy fails
   * @throws MediaException if GStreamer cannot encode or write the audio file
   */
  static void write(Path file, float[] samples, int sampleRate)
      throws IOException, MediaException {
    if (isNpy(file)) {
      NpyArray.ofFloats(new long[] {samples.length}, samples).write(file);
    } else {
      AudioFileWriter.write(file, List.of(new AudioBlock(0, sampleRate, 1, samples)));
    }
  }

  /**
   * Writes the video with the waveform as its audio track (AAC, as MMAudio's demo), the audio
   * starting with the video's first frame.
   *
   * @param video the source video
   * @param samples the mono waveform
   * @param sampleRate samples per second
   * @param out a {@code .mp4} or {@code .ts} path
   * @throws MediaException if the video cannot be read or the output not written
   */
  static void mux(Path video, float[] samples, int sampleRate, Path out) throws MediaException {
    new AudioVideoMuxer(containerFor(out), AudioVideoMuxer.AudioCodec.AAC)
        .mux(video, 0, List.of(new AudioBlock(0, sampleRate, 1, samples)), out);
  }

  private static boolean isNpy(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
  }
}
