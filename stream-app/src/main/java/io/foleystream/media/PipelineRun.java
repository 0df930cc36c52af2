package io.foleystream.media;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Pipeline;

/**
 * Waits for a pipeline to reach end-of-stream or fail, on the calling thread, for the pipelines
 * that write files (audio files, muxing).
 */
final class PipelineRun {

  private final Pipeline pipeline;
  private final String what;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicReference<MediaException> failure = new AtomicReference<>();

  /** Subscribes to the pipeline's bus; call before setting it to PLAYING. */
  PipelineRun(Pipeline pipeline, String what) {
    this.pipeline = pipeline;
    this.what = what;
    Bus bus = pipeline.getBus();
    GStreamerErrors errors = new GStreamerErrors();
    bus.connect((Bus.MESSAGE) (b, message) -> errors.observe(message));
    bus.connect((Bus.EOS) src -> finished.countDown());
    bus.connect((Bus.ERROR) (src, code, message) -> {
      failure.compareAndSet(null, errors.translate(src == null ? "?" : src.getName(), message));
      finished.countDown();
    });
  }

  /** Records a failure found outside GStreamer (for example in a pad callback). */
  void fail(MediaException error) {
    failure.compareAndSet(null, error);
    finished.countDown();
  }

  /** The first failure so far, or null. */
  MediaException failure() {
    return failure.get();
  }

  /**
   * Blocks until end-of-stream, then stops the pipeline.
   *
   * @throws MediaException the pipeline's error, or {@link MediaException.Reason#STALLED} after
   *     {@code timeoutMs}
   */
  void awaitEnd(long timeoutMs) throws MediaException {
    try {
      if (!finished.await(timeoutMs, TimeUnit.MILLISECONDS)) {
        throw new MediaException(MediaException.Reason.STALLED,
            what + ": not finished after " + timeoutMs + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MediaException(MediaException.Reason.IO, what + ": interrupted", e);
    } finally {
      pipeline.stop();
    }
    MediaException error = failure.get();
    if (error != null) {
      throw new MediaException(error.reason(), what + ": " + error.getMessage(), error);
    }
  }
}
