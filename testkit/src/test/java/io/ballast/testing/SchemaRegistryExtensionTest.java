package io.ballast.testing;

import io.ballast.testkit.SchemaRegistryExtension;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the registry extension finds Apicurio, and what it says when it cannot. */
class SchemaRegistryExtensionTest {

    @Test
    void missingPropertyNamesItAndHowToSetIt() {
        assertThatThrownBy(() -> SchemaRegistryExtension.apicurioDirectory(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ballast.apicurio.dir is not set")
                .hasMessageContaining("pre-integration-test");
        assertThatThrownBy(() -> SchemaRegistryExtension.apicurioDirectory(" "))
                .hasMessageContaining("ballast.apicurio.dir is not set");
    }

    @Test
    void missingDirectoryMeansTheArchiveWasNotUnpacked(@TempDir Path tmp) {
        Path absent = tmp.resolve("apicurio");
        assertThatThrownBy(() -> SchemaRegistryExtension.apicurioDirectory(absent.toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(absent.toString())
                .hasMessageContaining("was not unpacked");
    }

    @Test
    void directoryWithoutRunnerJarIsRefused(@TempDir Path tmp) {
        assertThatThrownBy(() -> SchemaRegistryExtension.runnerJar(tmp))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no single *-runner.jar");
    }

    @Test
    void findsTheLegacyJarLayoutOfApicurio2(@TempDir Path tmp) throws Exception {
        Files.createDirectory(tmp.resolve("lib"));
        Path runner = Files.createFile(tmp.resolve("apicurio-registry-app-2.6.13.Final-runner.jar"));
        assertThat(SchemaRegistryExtension.runnerJar(tmp)).isEqualTo(runner);
    }

    @Test
    void prefersTheFastJarLayoutWhenPresent(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("quarkus-app"));
        Path fastJar = Files.createFile(tmp.resolve("quarkus-app").resolve("quarkus-run.jar"));
        assertThat(SchemaRegistryExtension.runnerJar(tmp)).isEqualTo(fastJar);
    }
}
