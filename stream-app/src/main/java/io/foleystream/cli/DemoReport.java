package io.foleystream.cli;

import io.foleystream.inference.ModelSet;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.topology.FoleystreamApp;
import io.foleystream.topology.PipelineMetrics;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The demo's short report: windows, per-stage latency, and speed as "x real time" (audio seconds
 * per wall-clock second, above 1 faster than real time).
 */
final class DemoReport {

  private DemoReport() {}

  static String render(ModelSet set, boolean untrained, String input, int chunks,
      List<AudioChunk> audio, FoleystreamApp app, double pipelineSeconds) {
    StringBuilder out = new StringBuilder();
    TreeSet<Long> windows = new TreeSet<>();
    double audioSeconds = 0;
    for (AudioChunk c : audio) {
      windows.add(c.getWindowIndex());
      audioSeconds += c.getDurationMicros() / 1e6;
    }
    out.append("foleystream demo report\n");
    out.append(String.format(Locale.ROOT, "model set:   %s (%s, %d Hz)%s%n",
        set.directory(), set.manifest().variant(), set.manifest().sampleRate(),
        untrained ? ", untrained test set: the audio is noise-like" : ""));
    out.append("providers:   ").append(app.providers()).append('\n');
    out.append("input:       ").append(input).append(", ").append(chunks)
        .append(" video chunk(s)\n");
    out.append(String.format(Locale.ROOT, "output:      %d window(s), %d audio chunk(s),"
        + " %.2f s of audio at %d Hz%n", windows.size(), audio.size(), audioSeconds,
        audio.isEmpty() ? 0 : audio.get(0).getSampleRate()));
    out.append("\nper-window latency (ms)      mean       max\n");
    PipelineMetrics metrics = app.metrics();
    for (PipelineMetrics.Stage stage : PipelineMetrics.Stage.values()) {
      Timer timer = metrics.stage(stage);
      out.append(String.format(Locale.ROOT, "  %-24s %9.1f %9.1f%n", stage.tag(),
          timer.mean(TimeUnit.MILLISECONDS), timer.max(TimeUnit.MILLISECONDS)));
    }
    double windowSeconds = set.manifest().durationS() * windows.size();
    double generationSeconds = metrics.generationCalls().totalTime(TimeUnit.SECONDS);
    out.append(String.format(Locale.ROOT, "%nspeed: model %.2f x real time (%.0f s of window"
        + " audio in %.1f s of engine calls); pipeline %.2f x real time (%.1f s of published"
        + " audio in %.1f s from the first chunk to the last audio chunk)%n",
        generationSeconds > 0 ? windowSeconds / generationSeconds : 0, windowSeconds,
        generationSeconds, audioSeconds / pipelineSeconds, audioSeconds, pipelineSeconds));
    return out.toString();
  }
}
