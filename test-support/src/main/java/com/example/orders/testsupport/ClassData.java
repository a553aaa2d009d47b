package com.example.orders.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code scripts/run-local.sh} starts a service with class data sharing: {@code
 * scripts/class-data.sh} run from the repository, its answer read as the JVM options and the jar to
 * start.
 *
 * @param jvmOptions {@code -XX:SharedArchiveFile=...} (archive loaded) or {@code
 *     -XX:ArchiveClassesAtExit=...} (recorded when the service stops)
 * @param jar the extracted jar
 */
public record ClassData(List<String> jvmOptions, Path jar) {

    /** Loads an archive (rather than recording one at exit). */
    public boolean loadsArchive() {
        return jvmOptions.stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile="));
    }

    /**
     * Runs {@code scripts/class-data.sh [--record-now] module} with {@code env} added (the service's
     * own settings when recording now: the training run connects as the service does), on the JDK
     * running this JVM.
     */
    public static ClassData of(String module, boolean recordNow, Map<String, String> env) {
        Path script = Path.of("scripts", "class-data.sh");
        if (!Files.isRegularFile(script)) {
            script = Path.of("..", "scripts", "class-data.sh");
        }
        List<String> command = recordNow
                ? List.of("bash", script.toString(), "--record-now", module)
                : List.of("bash", script.toString(), module);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> environment = new HashMap<>(env);
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            List<String> args = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            int n = args.size();
            if (process.waitFor() != 0 || n < 2 || !args.get(n - 2).equals("-jar")) {
                throw new IllegalStateException(
                        "scripts/class-data.sh gave no start for " + module + " (see its output above): " + args);
            }
            return new ClassData(args.subList(0, n - 2), Path.of(args.get(n - 1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
