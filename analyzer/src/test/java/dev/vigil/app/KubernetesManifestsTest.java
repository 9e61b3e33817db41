package dev.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.vigil.metrics.PromText;
import dev.vigil.pack.PatternPack;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Validates deploy/kubernetes/ offline. Built-in kinds go through the models of the Kubernetes Java client, which
 * are generated from the API's OpenAPI spec and reject unknown fields, missing required fields and wrong types
 * (at any depth). Prometheus Operator kinds get structural checks. Then the manifests are held to each other and
 * to Vigil: selectors match labels, probes hit /healthz and /readyz on the metrics port, vigil.yml loads with
 * the real strict loader, and the pattern-pack ConfigMap made by pack-configmap.sh unpacks (with the
 * initContainer's own script) into the very pack of the repository.
 */
class KubernetesManifestsTest {
    private static final Path DIR = PromText.root().resolve("deploy/kubernetes");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, JsonNode> BY_NAME = new TreeMap<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        for (final Path f : manifests()) {
            for (final JsonNode doc : docs(Files.readString(f))) {
                BY_NAME.put(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText(), doc);
            }
        }
    }

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml")).sorted()
                .collect(Collectors.toList());
        }
    }

    private static List<JsonNode> docs(final String text) throws IOException {
        final List<JsonNode> out = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(text)) {
            while (it.hasNext()) {
                final JsonNode n = it.next();
                if (n != null && !n.isEmpty()) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    private static JsonNode get(final String kindAndName) {
        final JsonNode doc = BY_NAME.get(kindAndName);
        assertNotNull(doc, kindAndName + " not in deploy/kubernetes");
        return doc;
    }

    /** Validates a built-in object with its generated model ({@code apps/v1 StatefulSet} → V1StatefulSet). */
    static void validateBuiltIn(final JsonNode doc) throws Exception {
        final String apiVersion = doc.path("apiVersion").asText();
        final String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        final String model = "io.kubernetes.client.openapi.models." + Character.toUpperCase(version.charAt(0))
            + version.substring(1) + doc.path("kind").asText();
        final Method validate = Class.forName(model).getMethod("validateJsonElement", JsonElement.class);
        try {
            validate.invoke(null, JsonParser.parseString(doc.toString()));
        } catch (final InvocationTargetException e) {
            throw new AssertionError(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText()
                + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Test
    void shouldBeValidObjectsOfTheKubernetesApi() throws Exception {
        int builtIn = 0;
        for (final JsonNode doc : BY_NAME.values()) {
            if (doc.path("apiVersion").asText().startsWith("monitoring.coreos.com/")) {
                continue;
            }
            validateBuiltIn(doc);
            builtIn++;
        }
        assertEquals(6, builtIn, BY_NAME.keySet().toString());
    }

    @Test
    void shouldRejectAMisspelledFieldDeepDown() throws Exception {
        final ObjectNode sts = get("StatefulSet/vigil").deepCopy();
        final ObjectNode httpGet = (ObjectNode) sts.at("/spec/template/spec/containers/0/livenessProbe/httpGet");
        httpGet.set("paht", httpGet.remove("path"));
        final AssertionError e = assertThrows(AssertionError.class, () -> validateBuiltIn(sts));
        assertTrue(e.getMessage().contains("paht"), e.getMessage());
    }

    @Test
    void shouldListEveryManifestInTheKustomization() throws IOException {
        final Set<String> listed = new TreeSet<>();
        YAML.readTree(DIR.resolve("kustomization.yaml").toFile()).path("resources").forEach(r -> listed.add(r.asText()));
        final Set<String> files = manifests().stream().map(p -> p.getFileName().toString())
            .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(files, listed);
    }

    @Test
    void shouldProbeHealthAndReadinessOnTheMetricsPortVigilListensOn() throws IOException {
        final JsonNode pod = get("StatefulSet/vigil").at("/spec/template/spec");
        final JsonNode c = pod.at("/containers/0");
        final Path yml = tmp.resolve("vigil.yml");
        Files.writeString(yml, get("ConfigMap/vigil-config").at("/data/vigil.yml").asText());
        final VigilConfig cfg = VigilConfig.load(yml);

        assertEquals(cfg.metricsSocket().getPort(), port(c, "metrics"));
        assertTrue(cfg.metricsSocket().getAddress().isAnyLocalAddress(), "must listen beyond loopback in a pod");
        assertEquals("/healthz", c.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/healthz", c.at("/startupProbe/httpGet/path").asText());
        assertEquals("/readyz", c.at("/readinessProbe/httpGet/path").asText());
        for (final String probe : List.of("livenessProbe", "startupProbe", "readinessProbe")) {
            assertEquals("metrics", c.path(probe).at("/httpGet/port").asText(), probe);
        }
        assertEquals(List.of("run", "--config", mount(c, "config") + "/vigil.yml"), strings(c.path("args")));
        assertEquals(cfg.patterns, mount(c, "pack"));
        assertEquals(cfg.stateDir, mount(c, "state"));
        assertEquals("vigil", cfg.applicationId);
        assertTrue(cfg.standbyReplicas >= 1);
    }

    @Test
    void shouldMatchSelectorsToLabelsAndPortsToNames() {
        final JsonNode sts = get("StatefulSet/vigil");
        final JsonNode podLabels = sts.at("/spec/template/metadata/labels");
        assertSubset(sts.at("/spec/selector/matchLabels"), podLabels, "StatefulSet selector");
        final JsonNode svc = get("Service/vigil");
        assertEquals(sts.at("/spec/serviceName").asText(), "vigil");
        assertSubset(svc.at("/spec/selector"), podLabels, "Service selector");
        assertSubset(get("PodDisruptionBudget/vigil").at("/spec/selector/matchLabels"), podLabels, "PDB selector");
        assertEquals("metrics", svc.at("/spec/ports/0/targetPort").asText());
        assertEquals(9464, port(sts.at("/spec/template/spec/containers/0"), "metrics"));

        final JsonNode sm = get("ServiceMonitor/vigil");
        assertSubset(sm.at("/spec/selector/matchLabels"), svc.path("metadata").path("labels"), "ServiceMonitor");
        assertEquals("metrics", sm.at("/spec/endpoints/0/port").asText());
        assertEquals("/metrics", sm.at("/spec/endpoints/0/path").asText());
        assertEquals("vigil", svc.path("metadata").path("labels").path(sm.at("/spec/jobLabel").asText()).asText(),
            "job label must be vigil, as deploy/prometheus/vigil_alerts.yml expects");

        final JsonNode bridge = get("Deployment/vigil-bridge-pagerduty");
        final JsonNode bridgeLabels = bridge.at("/spec/template/metadata/labels");
        assertSubset(bridge.at("/spec/selector/matchLabels"), bridgeLabels, "bridge selector");
        final JsonNode pm = get("PodMonitor/vigil-bridge");
        assertSubset(pm.at("/spec/selector/matchLabels"), bridgeLabels, "PodMonitor");
        final JsonNode bc = bridge.at("/spec/template/spec/containers/0");
        assertEquals(port(bc, pm.at("/spec/podMetricsEndpoints/0/port").asText()), 9465);
        final List<String> args = strings(bc.path("args"));
        assertEquals("0.0.0.0:9465", args.get(args.indexOf("--metrics-address") + 1));
        assertEquals("vigil-bridge", pm.at("/spec/podMetricsEndpoints/0/relabelings/0/replacement").asText());
        assertEquals("/readyz", bc.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/healthz", bc.at("/livenessProbe/httpGet/path").asText());
        // Prometheus Operator kinds: only the fields these examples mean to use
        assertEquals(Set.of("jobLabel", "selector", "endpoints"), fields(sm.path("spec")));
        assertEquals(Set.of("selector", "podMetricsEndpoints"), fields(pm.path("spec")));
    }

    @Test
    void shouldTakeSecretsFromSecretsAndBoundEveryContainer() {
        final JsonNode bridge = get("Deployment/vigil-bridge-pagerduty").at("/spec/template/spec/containers/0");
        final JsonNode key = bridge.path("env").get(0);
        assertEquals("VIGIL_PAGERDUTY_ROUTING_KEY", key.path("name").asText());
        assertEquals("vigil-bridge", key.at("/valueFrom/secretKeyRef/name").asText());
        assertFalse(key.has("value"));
        final List<JsonNode> containers = new ArrayList<>();
        get("StatefulSet/vigil").at("/spec/template/spec/containers").forEach(containers::add);
        get("StatefulSet/vigil").at("/spec/template/spec/initContainers").forEach(containers::add);
        containers.add(bridge);
        for (final JsonNode c : containers) {
            for (final String r : List.of("/resources/requests/cpu", "/resources/requests/memory",
                "/resources/limits/memory")) {
                assertFalse(c.at(r).isMissingNode(), c.path("name").asText() + r);
            }
            assertTrue(c.at("/securityContext/readOnlyRootFilesystem").asBoolean(), c.path("name").asText());
        }
    }

    @Test
    void shouldCarryThePackInAConfigMapThatTheInitContainerUnpacksAndChecks() throws Exception {
        final Path patterns = PromText.root().resolve("patterns");
        final Process gen = new ProcessBuilder("bash", DIR.resolve("pack-configmap.sh").toString(),
            patterns.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final byte[] yaml = gen.getInputStream().readAllBytes();
        assertTrue(gen.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, gen.exitValue());
        assertTrue(yaml.length < 900 * 1024, "a ConfigMap holds at most 1 MiB; the pack takes " + yaml.length);
        final JsonNode cm = docs(new String(yaml, StandardCharsets.UTF_8)).get(0);
        validateBuiltIn(cm);
        assertEquals("vigil-pack", cm.at("/metadata/name").asText());
        final JsonNode sts = get("StatefulSet/vigil");
        boolean mounted = false;
        for (final JsonNode v : sts.at("/spec/template/spec/volumes")) {
            mounted |= "vigil-pack".equals(v.at("/configMap/name").asText());
        }
        assertTrue(mounted, "the StatefulSet mounts the ConfigMap vigil-pack");

        // the ConfigMap volume: one file per key
        final Path src = Files.createDirectories(tmp.resolve("configmap"));
        final Iterator<Map.Entry<String, JsonNode>> it = cm.path("data").fields();
        while (it.hasNext()) {
            final Map.Entry<String, JsonNode> e = it.next();
            Files.writeString(src.resolve(e.getKey()), e.getValue().asText());
        }
        // the initContainer's own script, with a stand-in java that records what it was asked to run
        final Path bin = Files.createDirectories(tmp.resolve("bin"));
        final Path args = tmp.resolve("java.args");
        Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"$@\" > '" + args + "'\n");
        bin.resolve("java").toFile().setExecutable(true);
        final JsonNode init = sts.at("/spec/template/spec/initContainers/0");
        final List<String> command = strings(init.path("command"));
        final Path dst = tmp.resolve("pack");
        final ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PACK_SRC", src.toString());
        pb.environment().put("PACK_DST", dst.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        final Process p = pb.start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("-jar /opt/vigil/vigil.jar check --patterns " + dst, Files.readString(args).trim());

        final PatternPack original = PatternPack.load(patterns);
        final PatternPack unpacked = PatternPack.load(dst);
        assertEquals(original.version(), unpacked.version());
        assertEquals(original.signatures().size(), unpacked.signatures().size());
        assertEquals(original.version(), cm.at("/metadata/annotations").path("vigil.dev/pack-version").asText());
        try (Stream<Path> files = Files.walk(dst)) {
            for (final Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                assertEquals(Files.readString(patterns.resolve(dst.relativize(f).toString())), Files.readString(f),
                    "byte for byte: " + dst.relativize(f));
            }
        }
    }

    private static int port(final JsonNode container, final String name) {
        for (final JsonNode p : container.path("ports")) {
            if (name.equals(p.path("name").asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError(container.path("name").asText() + " has no port " + name);
    }

    private static String mount(final JsonNode container, final String volume) {
        for (final JsonNode m : container.path("volumeMounts")) {
            if (volume.equals(m.path("name").asText())) {
                return m.path("mountPath").asText();
            }
        }
        throw new AssertionError(container.path("name").asText() + " does not mount " + volume);
    }

    private static List<String> strings(final JsonNode array) {
        final List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<String> fields(final JsonNode object) {
        final Set<String> out = new TreeSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static void assertSubset(final JsonNode selector, final JsonNode labels, final String what) {
        assertFalse(selector.isEmpty(), what + " is empty");
        selector.fields().forEachRemaining(e -> assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(),
            what + ": " + e.getKey()));
    }
}
