package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.DeadlineAction;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowTask;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Settings are those of the latest control record when the window is generated. */
class WindowPlannerTest {

  private static final WindowPlanner.Defaults DEFAULTS = new WindowPlanner.Defaults(
      "configured prompt", "configured negative", 42L, 25, 4.5);

  private final Map<String, StreamControl> controls = new HashMap<>();
  private final List<DeadlinePolicy.Decision> decisions = new ArrayList<>();
  private final WindowPlanner planner = new WindowPlanner(controls::get, DEFAULTS,
      new DeadlinePolicy(8_000, DeadlineAction.QUEUE), decisions::add);

  /** A window assembled under other settings, long ago. */
  private static PendingWindow window(String stream, long lastChunkAt) {
    WindowTask task = WindowTask.newBuilder().setStreamId(stream).setWindowIndex(3)
        .setWindowStartMicros(0).setWindowDurationMicros(8_000_000L).setHopMicros(8_000_000L)
        .setGeneration(new GenerationSettings("frozen", "frozen", 1L, 3, 1.0, "pinned", false))
        .setChunks(List.of()).setCoveredMicros(8_000_000L)
        .setCompletion(WindowCompletion.COMPLETE).setGapPolicy(GapPolicy.NONE)
        .setLastChunkAt(Instant.ofEpochMilli(lastChunkAt)).build();
    return new PendingWindow(new ConsumerRecord<>("tasks", 0, 0, new byte[0], new byte[0]),
        task, null, lastChunkAt);
  }

  @Test
  void withoutAControlRecordTheConfiguredDefaultsApply() {
    PendingWindow w = window("a", 1_000);
    assertTrue(planner.plan(List.of(w), 1_000).isEmpty());
    GenerationSettings g = w.task().getGeneration();
    assertEquals(new GenerationSettings("configured prompt", "configured negative", 42L, 25, 4.5,
        "pinned", false), g);
  }

  @Test
  void maskingAwayClipFollowsTheControlRecordElseTheDefault() {
    WindowPlanner masking = new WindowPlanner(controls::get, new WindowPlanner.Defaults("", "",
        42L, 25, 4.5, true), new DeadlinePolicy(8_000, DeadlineAction.QUEUE), decisions::add);
    PendingWindow byDefault = window("a", 1_000);
    masking.plan(List.of(byDefault), 1_000);
    assertTrue(byDefault.task().getGeneration().getMaskAwayClip());
    controls.put("b", StreamControl.newBuilder().setStreamId("b").setMaskAwayClip(false).build());
    PendingWindow keeps = window("b", 1_000);
    masking.plan(List.of(keeps), 1_000);
    assertTrue(!keeps.task().getGeneration().getMaskAwayClip(), "the stream's own choice");
    controls.put("c", StreamControl.newBuilder().setStreamId("c").setPrompt("x").build());
    PendingWindow unset = window("c", 1_000);
    planner.plan(List.of(unset), 1_000);
    assertTrue(!unset.task().getGeneration().getMaskAwayClip(), "null keeps the default");
    controls.put("d", StreamControl.newBuilder().setStreamId("d").setMaskAwayClip(true).build());
    PendingWindow masked = window("d", 1_000);
    planner.plan(List.of(masked), 1_000);
    assertTrue(masked.task().getGeneration().getMaskAwayClip());
  }

  @Test
  void theLatestControlRecordAppliesToWindowsAssembledBeforeIt() {
    PendingWindow w = window("a", 1_000);
    controls.put("a", StreamControl.newBuilder().setStreamId("a").setPrompt("rain")
        .setCfgStrength(2.0).build());
    planner.plan(List.of(w), 1_000);
    GenerationSettings g = w.task().getGeneration();
    assertEquals("rain", g.getPrompt());
    assertEquals("configured negative", g.getNegativePrompt(), "a null field keeps the default");
    assertEquals(42L, g.getSeed());
    assertEquals(25, g.getSteps());
    assertEquals(2.0, g.getCfgStrength());
    assertEquals("pinned", g.getModelVariant());
  }

  @Test
  void anEmptyPromptMeansNoPromptWhateverTheDefault() {
    PendingWindow w = window("a", 1_000);
    controls.put("a", StreamControl.newBuilder().setStreamId("a").setPrompt("").setSeed(7L)
        .setSteps(10).build());
    planner.plan(List.of(w), 1_000);
    assertEquals("", w.task().getGeneration().getPrompt());
    assertEquals(7L, w.task().getGeneration().getSeed());
    assertEquals(10, w.task().getGeneration().getSteps());
  }

  @Test
  void theDeadlineDecisionIsAppliedAndRecorded() {
    controls.put("late", StreamControl.newBuilder().setStreamId("late")
        .setDeadlinePolicy(DeadlineAction.DEGRADE_THEN_SKIP).setSteps(24).build());
    PendingWindow degraded = window("late", 0);
    PendingWindow skipped = window("late", 0);
    Set<WindowTask> silent = planner.plan(List.of(degraded), 5_000);
    assertTrue(silent.isEmpty());
    assertEquals(12, degraded.task().getGeneration().getSteps(), "lag 5 s of 8: half the steps");
    silent = planner.plan(List.of(skipped), 8_001);
    assertTrue(silent.contains(skipped.task()));
    assertEquals(24, skipped.task().getGeneration().getSteps(),
        "a skipped window keeps the settings its audio would have had");
    assertEquals(2, decisions.size());
    assertEquals(12, decisions.get(0).steps());
    assertTrue(decisions.get(1).skipped());
    assertEquals(8_000, decisions.get(1).deadlineMillis());
  }
}
