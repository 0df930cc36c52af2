package io.foleystream.topology.assembler;

import io.foleystream.schemas.DeadLetter;
import io.foleystream.schemas.StreamAssembly;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.AvroSerdes;
import io.foleystream.topology.records.ControlBounds;
import io.foleystream.topology.records.DeadLetters;
import io.foleystream.topology.records.TimelineBounds;
import io.foleystream.topology.records.TopicNames;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The assembler's Kafka Streams topology (Processor API):
 *
 * <pre>
 * video topic   -> video-decoder   -> window-assembler -> window task topic
 * control topic -> control-decoder -> control-updater
 *                  (both decoders and the assembler) -> dead-letter topic
 * </pre>
 *
 * The assembler and the control updater share the control store, so the video and control
 * topics form one sub-topology and must have the same number of partitions (both are keyed by
 * stream id). The stores are persistent (RocksDB) and changelogged.
 */
public final class AssemblerTopology {

  public static final String VIDEO_SOURCE = "video-source";
  public static final String CONTROL_SOURCE = "control-source";
  public static final String VIDEO_DECODER = "video-decoder";
  public static final String CONTROL_DECODER = "control-decoder";
  public static final String ASSEMBLER = "window-assembler";
  public static final String CONTROL_UPDATER = "control-updater";
  public static final String TASK_SINK = "window-task-sink";
  public static final String DLQ_SINK = "dead-letter-sink";

  private AssemblerTopology() {}

  /**
   * Builds the topology.
   *
   * @param topics the topic names
   * @param settings window rules and defaults
   * @param serdeConfig the schema registry settings
   * @param deadLetterInlineLimit largest record value repeated inline in a dead letter
   * @param metrics the application's meters
   * @return the topology
   */
  public static Topology build(TopicNames topics, AssemblerSettings settings,
      Map<String, ?> serdeConfig, int deadLetterInlineLimit, PipelineMetrics metrics) {
    return build(topics, settings, TimelineBounds.defaults(), ControlBounds.defaults(),
        serdeConfig, deadLetterInlineLimit, metrics);
  }

  /**
   * Builds the topology with the bounds that input records must stay within.
   *
   * @param topics the topic names
   * @param settings window rules and defaults
   * @param timeline the bounds of a stream's timeline
   * @param control the bounds of a control record's settings
   * @param serdeConfig the schema registry settings
   * @param deadLetterInlineLimit largest record value repeated inline in a dead letter
   * @param metrics the application's meters
   * @return the topology
   */
  public static Topology build(TopicNames topics, AssemblerSettings settings,
      TimelineBounds timeline, ControlBounds control, Map<String, ?> serdeConfig,
      int deadLetterInlineLimit, PipelineMetrics metrics) {
    AvroSerdes serdes = new AvroSerdes(serdeConfig);
    DeadLetters deadLetters = new DeadLetters(deadLetterInlineLimit);
    AssemblerStores stores = AssemblerStores.DEFAULT;
    Topology topology = new Topology();
    topology.addSource(VIDEO_SOURCE, Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(), topics.video());
    topology.addSource(CONTROL_SOURCE, Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(), topics.control());
    topology.addProcessor(VIDEO_DECODER, () -> new RecordDecoder<>(
        serdes.value(VideoChunk.class).deserializer(), new VideoChunkGuard(timeline, stores),
        false,
        "window-assembler", ASSEMBLER, DLQ_SINK, deadLetters, metrics), VIDEO_SOURCE);
    topology.addProcessor(CONTROL_DECODER, () -> new RecordDecoder<>(
        serdes.value(StreamControl.class).deserializer(),
        new ControlGuard(control, timeline, stores), true,
        "control", CONTROL_UPDATER, DLQ_SINK, deadLetters, metrics), CONTROL_SOURCE);
    topology.addProcessor(CONTROL_UPDATER, () -> new ControlUpdater(stores.controls()),
        CONTROL_DECODER);
    topology.addProcessor(ASSEMBLER, () -> new WindowAssemblerProcessor(settings, timeline,
        stores, topics.video(), metrics), VIDEO_DECODER);
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(stores.assemblies()), Serdes.String(),
        serdes.value(StreamAssembly.class)), ASSEMBLER, VIDEO_DECODER, CONTROL_DECODER);
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(stores.chunks()), Serdes.String(),
        serdes.value(VideoChunk.class)).withLoggingEnabled(Map.of(
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            String.valueOf(TopicNames.LARGE_RECORD_BYTES))), ASSEMBLER, VIDEO_DECODER);
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(stores.controls()), Serdes.String(),
        serdes.value(StreamControl.class)), ASSEMBLER, CONTROL_UPDATER);
    topology.addSink(TASK_SINK, topics.windowTasks(), Serdes.String().serializer(),
        serdes.value(WindowTask.class).serializer(), ASSEMBLER);
    topology.addSink(DLQ_SINK, topics.deadLetters(), Serdes.ByteArray().serializer(),
        serdes.value(DeadLetter.class).serializer(), VIDEO_DECODER, CONTROL_DECODER);
    return topology;
  }
}
