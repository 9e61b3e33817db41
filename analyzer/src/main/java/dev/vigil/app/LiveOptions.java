package dev.vigil.app;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Options `run` and `demo` share; each overrides the config file and the environment. */
final class LiveOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (see config/vigil.example.yml).")
    Path config;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,…",
        description = "Kafka cluster to use; without it Vigil starts an embedded single-node broker on localhost.")
    String bootstrapServers;

    @Option(names = "--application-id", paramLabel = "ID",
        description = "Kafka Streams application id: instances with the same id share the work (default: vigil).")
    String applicationId;

    @Option(names = "--input", paramLabel = "TOPIC", split = ",", description = "Input topics (default: logs).")
    List<String> inputTopics;

    @Option(names = "--input-pattern", paramLabel = "REGEX", description = "Read every topic whose name matches.")
    String inputPattern;

    @Option(names = "--port", paramLabel = "PORT",
        description = "Port of the embedded broker (default: 9092; 0 picks a free one).")
    Integer port;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state directory.")
    String stateDir;

    @Option(names = "--at-least-once", description = "Use at_least_once instead of exactly_once_v2.")
    boolean atLeastOnce;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT|off",
        description = "Serve /metrics (Prometheus), /healthz and /readyz here (default: 127.0.0.1:9464; "
            + "0.0.0.0:9464 for every interface; off to disable).")
    String metricsAddress;

    /** The effective configuration: file, then environment, then these flags. */
    VigilConfig resolve() {
        final VigilConfig c = VigilConfig.load(config);
        c.applyEnv(System.getenv());
        if (bootstrapServers != null) {
            c.bootstrapServers = bootstrapServers;
        }
        if (applicationId != null) {
            c.applicationId = applicationId;
        }
        if (inputTopics != null) {
            c.inputTopics = inputTopics;
        }
        if (inputPattern != null) {
            c.inputPattern = inputPattern;
        }
        if (port != null) {
            c.embeddedPort = port;
        }
        if (stateDir != null) {
            c.stateDir = stateDir;
        }
        if (atLeastOnce) {
            c.processingGuarantee = "at_least_once";
        }
        if (metricsAddress != null) {
            c.metricsAddress = metricsAddress;
        }
        c.metricsSocket();
        return c;
    }
}
