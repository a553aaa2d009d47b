package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.testsupport.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/run-local.sh starts each service with class data sharing (scripts/class-data.sh): the first
 * start after a build records the archive when it stops, the next one loads it. Here the worker, in a
 * directory of the test's own, beside the shared stack.
 */
class ClassDataIT {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path classData;

    @Test
    void aServiceStartedAsRunLocalStartsItRecordsItsClassDataOnStopAndTheNextStartLoadsIt() throws Exception {
        SystemUnderTest.get(); // the schema is in place: the worker waits for it

        List<String> first = classDataArguments();
        assertThat(first).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="));
        startAndStop("expiry-worker-recording", first);

        List<String> second = classDataArguments();
        assertThat(second).anyMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
        List<String> strict = new ArrayList<>(List.of("-Xshare:on")); // no start at all without the archive
        strict.addAll(second);
        startAndStop("expiry-worker-from-archive", strict);
    }

    private List<String> classDataArguments() throws IOException, InterruptedException {
        ProcessBuilder script = new ProcessBuilder("bash", "scripts/class-data.sh", "expiry-worker")
                .directory(REPOSITORY.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        script.environment().put("CLASS_DATA_DIR", classData.toString());
        Process process = script.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("scripts/class-data.sh exit status").isZero();
        assertThat(Files.isRegularFile(classData.resolve("expiry-worker.jar"))).isTrue();
        return out.lines().toList();
    }

    /** Started as run-local.sh starts it ({@code java $JAVA_OPTS <arguments>}), UP, then a clean stop. */
    private void startAndStop(String label, List<String> arguments) {
        int port = ServiceProcess.freePort();
        Map<String, String> env = new HashMap<>(SystemUnderTest.workerEnv());
        env.put("SERVER_PORT", Integer.toString(port));
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(SystemUnderTest.JVM);
        command.addAll(arguments);
        ServiceProcess worker = new ServiceProcess(label, port, command, env, Path.of("target", "system-tests"));
        try {
            worker.start();
            worker.awaitUp(SystemUnderTest.STARTUP);
        } finally {
            worker.stop();
        }
    }
}
