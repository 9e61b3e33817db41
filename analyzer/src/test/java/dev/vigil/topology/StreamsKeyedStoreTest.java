package dev.vigil.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The object store writes each changed key once per commit, with its value as it is at the commit, inside the
 * commit (the test driver commits after every input record), so in its transaction: not once per put, and not
 * after the commit (then a transaction late).
 */
class StreamsKeyedStoreTest {

    private static final String STORE = "test-objects-store";
    private static final String APP = "vigil-store-test";

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> in;
    private TestOutputTopic<String, String> changelog;
    /** The store as the processor saw it after its latest record. */
    private final List<Integer> pendingAfterProcess = new ArrayList<>();

    /**
     * Each input record is a list of commands: {@code put k v}, {@code append k v} (changes the held value in place
     * and puts it again), {@code delete k}.
     */
    private final class Commands implements Processor<String, String, Void, Void> {
        private StreamsKeyedStore<StringBuilder> store;

        @Override
        public void init(final ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(final Record<String, String> record) {
            for (final String cmd : record.value().split(";")) {
                final String[] w = cmd.trim().split(" ");
                switch (w[0]) {
                    case "put": store.put(w[1], new StringBuilder(w[2])); break;
                    case "append": store.put(w[1], store.get(w[1]).append(w[2])); break;
                    default: store.delete(w[1]); break;
                }
            }
            pendingAfterProcess.add(store.pendingWrites());
        }
    }

    @BeforeEach
    void setUp() {
        final StreamsBuilder b = new StreamsBuilder();
        b.addStateStore(StreamsKeyedStore.builder(STORE, Serdes.serdeFrom(
            (topic, v) -> v == null ? null : v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            (topic, bytes) -> bytes == null ? null
                : new StringBuilder(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)))));
        b.stream("commands", Consumed.with(Serdes.String(), Serdes.String()).withName("read-commands"))
            .process(Commands::new, Named.as("run-commands"), STORE);
        final Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // with transactions the driver sees only what a commit committed: a write after the commit shows up late
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(b.build(), p);
        in = driver.createInputTopic("commands", new StringSerializer(), new StringSerializer());
        changelog = driver.createOutputTopic(APP + "-" + STORE + "-changelog", new StringDeserializer(),
            new StringDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void shouldWriteEachChangedKeyOnceAtTheCommitWithItsValueThen() {
        in.pipeInput("x", "put a 1; append a 2; put b 7; append a 3; append b 8");
        assertEquals(List.of(2), pendingAfterProcess, "nothing is written while processing");
        assertEquals(List.of(KeyValue.pair("a", "123"), KeyValue.pair("b", "78")),
            changelog.readKeyValuesToList());
    }

    @Test
    void shouldWriteOnlyWhatChangedSinceTheLastCommitAndTombstonesForDeletes() {
        in.pipeInput("x", "put a 1; put b 2");
        changelog.readKeyValuesToList();
        in.pipeInput("x", "append b 3; delete a; delete never-there");
        final List<KeyValue<String, String>> got = changelog.readKeyValuesToList();
        assertEquals(2, got.size(), "b changed and a deleted; a delete of a missing key writes nothing: " + got);
        assertEquals(KeyValue.pair("b", "23"), got.get(0));
        assertEquals("a", got.get(1).key);
        assertNull(got.get(1).value);
    }

    @Test
    void shouldReadWhatTheUnderlyingStoreHoldsAfterARestoreAndAfterTurningStandby() {
        final org.apache.kafka.streams.state.KeyValueStore<String, String> kv = org.apache.kafka.streams.state.Stores
            .keyValueStoreBuilder(org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore("plain-store"),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        final StreamsKeyedStore<String> store = new StreamsKeyedStore<>(kv);
        final org.apache.kafka.streams.processor.api.MockProcessorContext<Void, Void> ctx =
            new org.apache.kafka.streams.processor.api.MockProcessorContext<>();
        store.init(ctx.getStateStoreContext(), store);
        kv.put("a", "restored"); // what a restore from the changelog writes, under the object map
        assertEquals("restored", store.get("a"));
        store.put("b", "unflushed");
        store.clearCache(); // the task turns into a standby: unflushed changes are dropped, as a cache's are
        kv.put("a", "from standby");
        assertEquals("from standby", store.get("a"));
        assertNull(store.get("b"));
        store.put("c", "3");
        assertNull(kv.get("c"), "written at the flush, not before");
        store.flush();
        assertEquals("3", kv.get("c"));
        assertEquals(0, store.pendingWrites());
    }
}
