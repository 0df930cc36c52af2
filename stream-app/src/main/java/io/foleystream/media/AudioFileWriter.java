package io.foleystream.media;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.elements.AppSrc;

/**
 * Writes audio to WAV or FLAC through GStreamer ({@code appsrc ! audioconvert ! wavenc|flacenc
 * ! filesink}), as 16-bit PCM at the audio's own rate. Float samples are clipped to [-1, 1] and
 * quantised without dither, so the same input always gives the same file. Gaps between blocks
 * are filled with silence; the file starts at the first block.
 */
public final class AudioFileWriter {

  /** The file formats written. */
  public enum Format {
    /** RIFF WAVE, 16-bit PCM. */
    WAV("wavenc"),
    /** FLAC, 16-bit. */
    FLAC("flacenc");

    private final String encoder;

    Format(String encoder) {
      this.encoder = encoder;
    }

    /**
     * The format a file name asks for.
     *
     * @param file a path ending in {@code .wav} or {@code .flac}
     * @return the format
     * @throws IllegalArgumentException for other extensions
     */
    public static Format forFile(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".wav")) {
        return WAV;
      }
      if (name.endsWith(".flac")) {
        return FLAC;
      }
      throw new IllegalArgumentException(file + ": expected a .wav or .flac file name");
    }
  }

  private static final long TIMEOUT_MS = 120_000;

  private AudioFileWriter() {}

  /**
   * Writes the blocks to {@code file} in the format its extension names.
   *
   * @param file the output, {@code .wav} or {@code .flac}
   * @param blocks audio of one rate and channel count, in time order
   * @throws MediaException if GStreamer cannot encode or write the file
   */
  public static void write(Path file, List<AudioBlock> blocks) throws MediaException {
    write(file, Format.forFile(file), blocks);
  }

  /**
   * Writes the blocks to {@code file} in the given format.
   *
   * @param file the output
   * @param format the file format
   * @param blocks audio of one rate and channel count, in time order
   * @throws MediaException if GStreamer cannot encode or write the file
   */
  public static void write(Path file, Format format, List<AudioBlock> blocks)
      throws MediaException {
    AudioBlock first = AudioFeeder.uniformFormat(blocks);
    GStreamerRuntime.ensureInitialized();
    Pipeline pipeline = (Pipeline) Gst.parseLaunch("appsrc name=audio format=time block=true"
        + " caps=" + AudioFeeder.caps(first.sampleRate(), first.channels())
        + " ! audiorate skip-to-first=true ! audioconvert dithering=none noise-shaping=none"
        + " ! audio/x-raw,format=S16LE ! " + format.encoder + " ! filesink location=\""
        + file.toAbsolutePath().toString().replace("\"", "\\\"") + "\"");
    try {
      PipelineRun run = new PipelineRun(pipeline, "writing " + file);
      pipeline.play();
      AudioFeeder.pushAll((AppSrc) pipeline.getElementByName("audio"), blocks, first.ptsUs(), 0);
      run.awaitEnd(TIMEOUT_MS);
    } finally {
      pipeline.dispose();
    }
  }
}
