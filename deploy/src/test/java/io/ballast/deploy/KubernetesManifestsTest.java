package io.ballast.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The standard Kubernetes objects under deploy/: parsed, of known kinds, and consistent with the FlinkDeployment. */
class KubernetesManifestsTest {

    /** kind to the apiVersion it must have. */
    private static final Map<String, String> KINDS = Map.of(
            "Namespace", "v1",
            "ServiceAccount", "v1",
            "Secret", "v1",
            "Role", "rbac.authorization.k8s.io/v1",
            "RoleBinding", "rbac.authorization.k8s.io/v1",
            "FlinkDeployment", FlinkDeploymentCrd.API_VERSION,
            "PodMonitor", "monitoring.coreos.com/v1",
            "KafkaTopic", "kafka.strimzi.io/v1beta2",
            "Kustomization", "kustomize.config.k8s.io/v1beta1");

    private static final Pattern PLACEHOLDER = Pattern.compile("<[A-Z][A-Z0-9_]*>");

    @Test
    void everyDocumentHasAKnownKindAndItsApiVersion() {
        List<Docs.Doc> docs = Docs.all();
        assertThat(docs).hasSizeGreaterThan(5);
        for (Docs.Doc doc : docs) {
            if (doc.file().getFileName().toString().equals("kustomizeconfig.yaml")) {
                // A kustomize transformer configuration, not an object.
                assertThat(doc.node().path("images").isArray()).as("%s", doc).isTrue();
                continue;
            }
            String kind = doc.node().path("kind").asText();
            assertThat(KINDS).as("kind of %s", doc).containsKey(kind);
            assertThat(doc.node().path("apiVersion").asText()).as("apiVersion of %s", doc).isEqualTo(KINDS.get(kind));
            if (!kind.equals("Kustomization")) {
                assertThat(doc.node().at("/metadata/name").asText()).as("metadata.name of %s", doc).isNotBlank();
            }
        }
    }

    @Test
    void kustomizationsListExistingFilesAndNeverASecret() {
        List<Docs.Doc> kustomizations = Docs.ofKind("Kustomization");
        assertThat(kustomizations).isNotEmpty();
        for (Docs.Doc k : kustomizations) {
            Path dir = k.file().getParent();
            for (JsonNode r : k.node().path("resources")) {
                Path resource = dir.resolve(r.asText());
                assertThat(resource).as("resource of %s", k).isRegularFile();
                assertThat(r.asText()).as("%s must not apply the example secret", k).doesNotContain("secret");
                for (JsonNode d : Repo.yamlDocuments(resource)) {
                    assertThat(d.path("kind").asText()).as("%s applies %s", k, r.asText()).isNotEqualTo("Secret");
                }
            }
            for (JsonNode c : k.node().path("configurations")) {
                assertThat(dir.resolve(c.asText())).isRegularFile();
            }
        }
    }

    @Test
    void theExampleSecretHoldsOnlyPlaceholdersAndEveryKeyTheDeploymentNeeds() {
        List<Docs.Doc> secrets = Docs.ofKind("Secret");
        assertThat(secrets).isNotEmpty();
        Set<List<String>> defined = new HashSet<>();
        for (Docs.Doc s : secrets) {
            assertThat(s.file().getFileName().toString()).isEqualTo("secret.example.yaml");
            assertThat(s.node().has("data")).as("%s: use stringData with placeholders", s).isFalse();
            s.node().path("stringData").fields().forEachRemaining(e -> {
                assertThat(PLACEHOLDER.matcher(e.getValue().asText()).find())
                        .as("%s key %s must hold a <PLACEHOLDER>, not a value", s, e.getKey()).isTrue();
                defined.add(List.of(s.node().at("/metadata/name").asText(), e.getKey()));
            });
        }
        for (Docs.Doc d : Docs.ofKind("FlinkDeployment")) {
            assertThat(defined).as("secret keys the FlinkDeployment reads")
                    .containsAll(FlinkDeploymentChecks.secretKeyRefs(d.node().path("spec")));
        }
    }

    @Test
    void theFlinkServiceAccountIsBoundToARoleThatManagesPodsConfigMapsAndDeployments() {
        JsonNode fd = Docs.flinkDeployment();
        String account = fd.at("/spec/serviceAccount").asText();
        assertThat(Docs.ofKind("ServiceAccount")).anyMatch(d -> d.node().at("/metadata/name").asText().equals(account));
        Docs.Doc binding = Docs.ofKind("RoleBinding").stream()
                .filter(b -> {
                    for (JsonNode s : b.node().path("subjects")) {
                        if (s.path("kind").asText().equals("ServiceAccount") && s.path("name").asText().equals(account)) {
                            return true;
                        }
                    }
                    return false;
                }).findFirst().orElseThrow(() -> new AssertionError("No RoleBinding for ServiceAccount " + account));
        String roleName = binding.node().at("/roleRef/name").asText();
        Docs.Doc role = Docs.ofKind("Role").stream().filter(r -> r.node().at("/metadata/name").asText().equals(roleName))
                .findFirst().orElseThrow(() -> new AssertionError("No Role " + roleName));
        Set<String> resources = new HashSet<>();
        for (JsonNode rule : role.node().path("rules")) {
            List<String> verbs = new ArrayList<>();
            rule.path("verbs").forEach(v -> verbs.add(v.asText()));
            assertThat(verbs).contains("get", "list", "watch", "create", "update", "patch", "delete");
            rule.path("resources").forEach(r -> resources.add(r.asText()));
        }
        assertThat(resources).contains("pods", "configmaps", "deployments");
    }

    @Test
    void thePodMonitorScrapesTheDeploymentsMetricsPort() {
        JsonNode fd = Docs.flinkDeployment();
        for (Docs.Doc pm : Docs.ofKind("PodMonitor")) {
            assertThat(pm.node().at("/spec/selector/matchLabels/app").asText()).isEqualTo(fd.at("/metadata/name").asText());
            String port = pm.node().at("/spec/podMetricsEndpoints/0/port").asText();
            boolean declared = false;
            for (JsonNode c : FlinkDeploymentChecks.containers(fd.path("spec"))) {
                for (JsonNode p : c.path("ports")) {
                    if (p.path("name").asText().equals(port)) {
                        assertThat(p.path("containerPort").asText()).isEqualTo(FlinkDeploymentChecks.PROMETHEUS_PORT);
                        declared = true;
                    }
                }
            }
            assertThat(declared).as("container port named %s", port).isTrue();
        }
        assertThat(fd.at("/spec/podTemplate/metadata/annotations/prometheus.io~1port").asText())
                .isEqualTo(FlinkDeploymentChecks.PROMETHEUS_PORT);
    }

    @Test
    void theReadmeNamesEveryFileItTellsToApply() {
        String readme = Repo.read(Repo.path("deploy/README.md"));
        assertThat(readme).contains("kubectl apply -k deploy/k8s", "helm repo add", "savepointTriggerNonce",
                "restartNonce", "initialSavepointPath", "create secret generic ballast-kafka", "create secret generic ballast-s3");
        assertThat(Files.isRegularFile(Repo.path("deploy/k8s/secret.example.yaml"))).isTrue();
    }
}
