package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.schemas.SampleRecords;
import io.foleystream.schemas.serde.SpecificAvroDeserializer;
import io.foleystream.schemas.serde.SpecificAvroSerializer;
import io.foleystream.schemas.serde.WireFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every record type travels through a real topic in the Confluent wire format, with its schema
 * registered in a real Apicurio Registry, and comes back equal.
 */
@ExtendWith(DevStackExtension.class)
class AvroTopicRoundTripIT {

  @Test
  void everyRecordTypeRoundTripsThroughATopicAndTheRegistry(EmbeddedKafkaBroker broker,
      ApicurioRegistryServer registry) throws Exception {
    Map<Class<?>, List<SpecificRecord>> byType = SampleRecords.all().stream()
        .collect(Collectors.groupingBy(Object::getClass));
    for (List<SpecificRecord> records : byType.values()) {
      roundTrip(broker, registry, records);
    }
  }

  private static <T extends SpecificRecord> void roundTrip(EmbeddedKafkaBroker broker,
      ApicurioRegistryServer registry, List<T> records) throws Exception {
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) records.get(0).getClass();
    String topic = "it.avro." + type.getSimpleName();
    Topics.create(broker, topic);
    Map<String, Object> configs = Map.of("schema.registry.url", registry.confluentApiUrl());
    SpecificAvroSerializer<T> serializer = new SpecificAvroSerializer<>();
    serializer.configure(configs, false);
    SpecificAvroDeserializer<T> deserializer = new SpecificAvroDeserializer<>(type);
    deserializer.configure(configs, false);

    Topics.produce(broker, topic, serializer, Collections.nCopies(records.size(), "cam-1"),
        records);
    List<T> received = Topics.consume(broker, topic, deserializer, records.size()).stream()
        .map(ConsumerRecord::value).toList();

    assertEquals(records, received, type.getSimpleName());
    byte[] raw = Topics.consume(broker, topic, new ByteArrayDeserializer(), 1).get(0).value();
    assertEquals(WireFormat.MAGIC_BYTE, raw[0]);
    assertEquals(records.get(0).getSchema(),
        fetchSchema(registry, WireFormat.schemaId(raw, topic)),
        "the id on the wire names the record's schema in the registry");
  }

  private static Schema fetchSchema(ApicurioRegistryServer registry, int id) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(registry.confluentApiUrl() + "/schemas/ids/" + id))
            .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return new Schema.Parser().parse(
        new ObjectMapper().readTree(response.body()).get("schema").asText());
  }
}
