package io.foleystream.cli;

import io.foleystream.inference.ModelSet;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.WindowMode;
import io.foleystream.topology.FoleystreamApp;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.timeline.StreamTimeline;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
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

  /**
   * How the demo's stream was windowed.
   *
   * @param mode tumbling or live
   * @param hopMs the hop asked for
   * @param streamId the stream
   */
  record Mode(WindowMode mode, long hopMs, String streamId) {}

  static String render(ModelSet set, boolean untrained, String input, int chunks,
      List<AudioChunk> audio, FoleystreamApp app, double pipelineSeconds, Mode mode) {
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
    PipelineMetrics metrics = app.metrics();
    int rate = set.manifest().sampleRate();
    StreamTimeline timeline = new StreamTimeline(mode.mode(), 0, rate,
        set.sequence().samples(), set.sequence().samplesPerLatentFrame(), 0);
    long hop = timeline.hopSamples(mode.hopMs() * 1000);
    out.append(String.format(Locale.ROOT, "mode:        %s, hop %.0f ms%s%n",
        mode.mode().name().toLowerCase(Locale.ROOT), hop * 1000.0 / rate,
        mode.mode() == WindowMode.LIVE ? String.format(Locale.ROOT, " (%d latent frames)",
            hop / set.sequence().samplesPerLatentFrame()) : ""));
    DistributionSummary seams = metrics.seamErrors();
    out.append(String.format(Locale.ROOT, "seam error:  mean %.4f, max %.4f over %d join(s)%n",
        seams.count() == 0 ? 0 : seams.mean(), seams.max(), seams.count()));
    Timer latency = metrics.chunkLatency(mode.streamId());
    for (ValueAtPercentile p : latency.takeSnapshot().percentileValues()) {
      out.append(String.format(Locale.ROOT, "latency p%.0f: %.0f ms%n", p.percentile() * 100,
          p.value(TimeUnit.MILLISECONDS)));
    }
    out.append(String.format(Locale.ROOT, "             (from a chunk's consumption to the commit"
        + " of the audio covering its last sample, %d chunk(s))%n", latency.count()));
    out.append("\nper-window latency (ms)      mean       max\n");
    for (PipelineMetrics.Stage stage : PipelineMetrics.Stage.values()) {
      Timer timer = metrics.stage(stage);
      out.append(String.format(Locale.ROOT, "  %-24s %9.1f %9.1f%n", stage.tag(),
          timer.mean(TimeUnit.MILLISECONDS), timer.max(TimeUnit.MILLISECONDS)));
    }
    double windowSeconds = metrics.windowAudioSeconds();
    double generationSeconds = metrics.generationCalls().totalTime(TimeUnit.SECONDS);
    out.append(String.format(Locale.ROOT, "%nspeed: model %.2f x real time (%.0f s of window"
        + " audio in %.1f s of engine calls); pipeline %.2f x real time (%.1f s of published"
        + " audio in %.1f s from the first chunk to the last audio chunk)%n",
        generationSeconds > 0 ? windowSeconds / generationSeconds : 0, windowSeconds,
        generationSeconds, audioSeconds / pipelineSeconds, audioSeconds, pipelineSeconds));
    return out.toString();
  }
}
