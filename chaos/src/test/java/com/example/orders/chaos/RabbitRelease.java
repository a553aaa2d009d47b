package com.example.orders.chaos;

import com.example.orders.testsupport.Rabbitmqctl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which RabbitMQ a private cluster runs, and how its programs are called: the machine's own (Debian
 * 12's 3.10, the oldest supported broker) or the private 4.3 that {@code scripts/rabbitmq4.sh} keeps
 * in a chroot (the recommended one, and the one a cluster needs: 3.10.8's at-least-once
 * dead-lettering strands messages after a leader failover). A 4.3 node sees only the chroot, so its
 * files live under the chroot's {@code /var/lib/rabbitmq/private/} and belong to its rabbitmq user.
 */
enum RabbitRelease {
    MACHINE("3.10"),
    V4_3("4.3");

    private static final Path SERVER_BIN = Path.of("/usr/lib/rabbitmq/bin");
    private static final String CHROOT_OWNER = "64101:64101";

    final String version;

    RabbitRelease(String version) {
        this.version = version;
    }

    /** The machine's RabbitMQ is installed; 4.3 is provisioned on demand (a failure to do so fails the test). */
    boolean available() {
        return this == V4_3 || Files.isExecutable(SERVER_BIN.resolve("rabbitmq-server"));
    }

    /** Where a cluster called {@code name} keeps its files, as the test sees them. */
    Path directory(String name) {
        return this == MACHINE
                ? Path.of("target", "private", name).toAbsolutePath()
                : chroot().resolve("var/lib/rabbitmq/private").resolve(name);
    }

    /** A path of {@link #directory} as the broker sees it. */
    String seenByBroker(Path path) {
        return this == MACHINE ? path.toString() : "/" + chroot().relativize(path);
    }

    /** Hands a cluster's directory to the user the broker runs as (nothing to do for the machine's). */
    void own(Path directory) {
        if (this == V4_3) {
            Rabbitmqctl.exec(List.of("chown", "-R", CHROOT_OWNER, directory.toString()));
        }
    }

    /** The command line that runs one of RabbitMQ's programs with {@code env} added to its environment. */
    List<String> command(String program, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        if (this == MACHINE) {
            command.add("env");
            env.forEach((k, v) -> command.add(k + "=" + v));
            command.add(SERVER_BIN.resolve(program).toString());
        } else {
            command.addAll(List.of("bash", script().toString(), "run"));
            env.forEach((k, v) -> command.add(k + "=" + v));
            command.add(program);
        }
        command.addAll(List.of(args));
        return command;
    }

    private static Path chroot;

    private static synchronized Path chroot() {
        if (chroot == null) {
            String out = Rabbitmqctl.exec(List.of("bash", script().toString(), "root"));
            String[] lines = out.strip().split("\n");
            chroot = Path.of(lines[lines.length - 1].strip());
        }
        return chroot;
    }

    /** scripts/rabbitmq4.sh of this checkout (the tests run in a module's directory). */
    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("scripts/rabbitmq4.sh");
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        throw new IllegalStateException(
                "scripts/rabbitmq4.sh not found above " + Path.of("").toAbsolutePath());
    }
}
