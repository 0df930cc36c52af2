package io.foleystream.cli;

import io.foleystream.schemas.AudioChunk;
import io.foleystream.topology.client.AudioCollector;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * Shows {@code mux} waiting for a stream's audio. Until the stream's last window is known the
 * only total is the timeout, so the bar counts the time waited of it; once the end-of-stream chunk
 * arrived the bar counts windows complete of the stream's windows. The note gives the windows and
 * the seconds of audio received either way, and each completed window gets a line of its own.
 */
final class AudioWaitProgress {

  private final ProgressBar waited;
  private final ProgressBar windows;
  private boolean totalKnown;

  /**
   * @param waited the bar of time waited, in {@link ProgressBar.Unit#DURATION}
   * @param windows the bar of windows complete, in {@link ProgressBar.Unit#COUNT}
   */
  AudioWaitProgress(ProgressBar waited, ProgressBar windows) {
    this.waited = waited;
    this.windows = windows;
  }

  /**
   * Bars on the console: redrawn on a terminal, plain lines otherwise (the seconds waited at
   * every tenth of the timeout, the windows at every tenth of the stream).
   *
   * @param err where to draw
   * @param enabled false leaves the bars out (the window lines still come)
   * @return the display
   */
  static AudioWaitProgress forConsole(PrintWriter err, boolean enabled) {
    return new AudioWaitProgress(
        ProgressBar.forConsole(err, "waiting for audio", ProgressBar.Unit.DURATION, enabled),
        ProgressBar.forConsole(err, "windows", ProgressBar.Unit.COUNT, enabled));
  }

  /**
   * A window's chunks all arrived.
   *
   * @param window its chunks
   */
  void windowDone(List<AudioChunk> window) {
    (totalKnown ? windows : waited).println(String.format(Locale.ROOT, "window %d: %d chunk(s)",
        window.get(0).getWindowIndex(), window.size()));
  }

  /**
   * The collection went on.
   *
   * @param progress where it stands
   */
  void update(AudioCollector.Progress progress) {
    String audio = String.format(Locale.ROOT, "%.1f s of audio", progress.audioMicros() / 1e6);
    if (progress.windowsExpected() > 0) {
      if (!totalKnown) {
        waited.finish();
        totalKnown = true;
      }
      windows.update(progress.windowsComplete(), progress.windowsExpected(), audio);
    } else {
      waited.update(progress.waited().toMillis(), progress.timeout().toMillis(),
          progress.windowsComplete() + " window(s), " + audio);
    }
  }

  /** Ends a bar left open: the wait ended (done or timed out) before the bar was full. */
  void finish() {
    waited.finish();
    windows.finish();
  }
}
