package io.foleystream.cli;

import io.foleystream.npy.NpyArray;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Locale;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * Writes a mono waveform: {@code .wav} as 16-bit PCM (values clipped to [-1, 1]) through the
 * JDK's own WAVE writer, {@code .npy} as the exact float32 samples for comparison with a
 * reference run.
 */
final class AudioFileWriter {

  private AudioFileWriter() {}

  /**
   * Writes the waveform in the format the file name asks for.
   *
   * @param file a {@code .wav} or {@code .npy} path
   * @param samples the waveform
   * @param sampleRate samples per second
   * @throws IOException if writing fails
   * @throws IllegalArgumentException for another extension
   */
  static void write(Path file, float[] samples, int sampleRate) throws IOException {
    if (isNpy(file)) {
      NpyArray.ofFloats(new long[] {samples.length}, samples).write(file);
    } else {
      requireSupported(file);
      writeWave(file, samples, sampleRate);
    }
  }

  /**
   * Fails early for an output name this writer cannot serve.
   *
   * @param file the output path
   * @throws IllegalArgumentException unless it ends in .wav or .npy
   */
  static void requireSupported(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!name.endsWith(".wav") && !name.endsWith(".npy")) {
      throw new IllegalArgumentException(file + ": output must end in .wav or .npy");
    }
  }

  private static boolean isNpy(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
  }

  private static void writeWave(Path file, float[] samples, int sampleRate) throws IOException {
    ByteBuffer pcm = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float sample : samples) {
      float clipped = Math.max(-1f, Math.min(1f, sample));
      pcm.putShort((short) Math.round(clipped * Short.MAX_VALUE));
    }
    AudioFormat format = new AudioFormat(sampleRate, 16, 1, true, false);
    try (AudioInputStream stream = new AudioInputStream(new ByteArrayInputStream(pcm.array()),
        format, samples.length)) {
      AudioSystem.write(stream, AudioFileFormat.Type.WAVE, file.toFile());
    }
  }
}
