package io.foleystream.topology.operations;

import io.foleystream.topology.records.TopicNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the application's topics when they are missing and checks that the topics keyed by
 * stream id that are read together (video and control; window tasks and window tails) have the
 * same number of partitions.
 */
public final class TopicProvisioner {

  /** How long a topic created a moment ago may be unknown to the broker that answers. */
  private static final long DESCRIBE_WAIT_MS = 10_000;

  private TopicProvisioner() {}

  /**
   * Ensures the topics exist.
   *
   * @param admin an admin client
   * @param topics the topic names
   * @param partitions partitions of topics it creates
   * @param replication replication factor of topics it creates, or -1 for the broker's default
   * @param create whether to create missing topics
   * @throws IllegalStateException if a topic is missing and may not be created, or the
   *     partition counts differ
   */
  public static void ensure(Admin admin, TopicNames topics, int partitions, short replication,
      boolean create) {
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      Optional<Integer> count = Optional.of(partitions);
      Optional<Short> factor = replication < 0 ? Optional.empty() : Optional.of(replication);
      for (String name : List.of(topics.video(), topics.control(), topics.audio(),
          topics.deadLetters(), topics.windowTasks(), topics.windowTails())) {
        if (!existing.contains(name)) {
          NewTopic topic = new NewTopic(name, count, factor);
          // Every topic can carry a large record: chunks, tasks embedding chunks, audio of a
          // whole chunk or overlap (8 s of float audio at 44.1 kHz is 1.4 MB), and dead letters
          // holding the raw value; the broker's 1 MiB default would refuse them.
          Map<String, String> configs = new HashMap<>(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
              String.valueOf(TopicNames.LARGE_RECORD_BYTES)));
          if (name.equals(topics.control()) || name.equals(topics.windowTails())) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
          }
          topic.configs(configs);
          missing.add(topic);
        }
      }
      if (!missing.isEmpty()) {
        if (!create) {
          throw new IllegalStateException("missing topics " + missing.stream().map(NewTopic::name)
              .toList() + " (foleystream.topic.create is false)");
        }
        try {
          admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      Map<String, TopicDescription> described = describe(admin, List.of(topics.video(),
          topics.control(), topics.windowTasks(), topics.windowTails()));
      int video = described.get(topics.video()).partitions().size();
      int control = described.get(topics.control()).partitions().size();
      int tasks = described.get(topics.windowTasks()).partitions().size();
      int tails = described.get(topics.windowTails()).partitions().size();
      if (video != control || video != tasks || video != tails) {
        throw new IllegalStateException("the video (" + video + "), control (" + control
            + "), window task (" + tasks + ") and window tail (" + tails + ") topics must have"
            + " the same number of partitions: they are keyed by stream id and read together");
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list or create topics: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /**
   * Describes topics, waiting for topics created a moment ago: the broker that answers may not
   * have their metadata yet and says the topic is unknown (seen right after a create on a
   * single-node cluster). Tries for up to {@value #DESCRIBE_WAIT_MS} ms.
   */
  private static Map<String, TopicDescription> describe(Admin admin, List<String> names)
      throws ExecutionException, InterruptedException {
    long deadline = System.nanoTime() + DESCRIBE_WAIT_MS * 1_000_000L;
    while (true) {
      try {
        return admin.describeTopics(names).allTopicNames().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
