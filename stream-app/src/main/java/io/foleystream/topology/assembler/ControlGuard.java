package io.foleystream.topology.assembler;

import io.foleystream.schemas.StreamAssembly;
import io.foleystream.schemas.StreamControl;
import io.foleystream.topology.records.ControlBounds;
import io.foleystream.topology.records.TimelineBounds;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The control decoder's validator: the record must be within the {@link ControlBounds}, and an
 * origin must lie within the {@link TimelineBounds}' distance of the chunks its stream received
 * so far (when it received none, the assembler checks the origin against the first chunk).
 */
final class ControlGuard implements RecordDecoder.Validator<StreamControl> {

  private final ControlBounds controlBounds;
  private final TimelineBounds timelineBounds;
  private final AssemblerStores stores;
  private KeyValueStore<String, StreamAssembly> assemblies;

  ControlGuard(ControlBounds controlBounds, TimelineBounds timelineBounds,
      AssemblerStores stores) {
    this.controlBounds = controlBounds;
    this.timelineBounds = timelineBounds;
    this.stores = stores;
  }

  @Override
  public void init(ProcessorContext<?, ?> context) {
    assemblies = context.getStateStore(stores.assemblies());
  }

  @Override
  public String problem(String key, StreamControl control) {
    String problem = controlBounds.problem(key, control);
    if (problem != null || control.getOriginPtsMicros() == null) {
      return problem;
    }
    return timelineBounds.originProblem(control.getOriginPtsMicros(), assemblies.get(key));
  }
}
