package io.foleystream.topology.assembler;

import io.foleystream.schemas.StreamControl;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the latest control record of each stream in the control store (a table of the
 * compacted control topic); a tombstone returns the stream to the application defaults.
 */
final class ControlUpdater implements Processor<String, StreamControl, Void, Void> {

  private final String storeName;
  private KeyValueStore<String, StreamControl> store;

  ControlUpdater(String storeName) {
    this.storeName = storeName;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, StreamControl> record) {
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
  }
}
