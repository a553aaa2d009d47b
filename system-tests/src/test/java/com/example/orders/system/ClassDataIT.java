package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.testsupport.ClassData;
import com.example.orders.testsupport.ServiceProcess;
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

    @TempDir
    Path dir;

    @Test
    void aServiceStartedAsRunLocalStartsItRecordsItsClassDataOnStopAndTheNextStartLoadsIt() {
        SystemUnderTest.get(); // the schema is in place: the worker waits for it

        ClassData first = classData();
        assertThat(first.jvmOptions()).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="));
        startAndStop("expiry-worker-recording", first, List.of());

        ClassData second = classData();
        assertThat(second.loadsArchive())
                .as("second start loads the archive: %s", second)
                .isTrue();
        startAndStop("expiry-worker-from-archive", second, List.of("-Xshare:on")); // no start without it
    }

    private ClassData classData() {
        ClassData start = ClassData.of("expiry-worker", false, Map.of("CLASS_DATA_DIR", dir.toString()));
        assertThat(start.jar()).isEqualTo(dir.resolve("expiry-worker.jar")).isRegularFile();
        return start;
    }

    /** Started as run-local.sh starts it ({@code java $JAVA_OPTS <arguments>}), UP, then a clean stop. */
    private void startAndStop(String label, ClassData start, List<String> moreJvmOptions) {
        int port = ServiceProcess.freePort();
        Map<String, String> env = new HashMap<>(SystemUnderTest.workerEnv());
        env.put("SERVER_PORT", Integer.toString(port));
        List<String> options = new ArrayList<>(SystemUnderTest.JVM);
        options.addAll(moreJvmOptions);
        options.addAll(start.jvmOptions());
        ServiceProcess worker = new ServiceProcess(
                label, port, ServiceProcess.jarCommand(start.jar(), options), env, Path.of("target", "system-tests"));
        try {
            worker.start();
            worker.awaitUp(SystemUnderTest.STARTUP);
        } finally {
            worker.stop();
        }
    }
}
