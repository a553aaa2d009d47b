package com.example.orders.chaos;

/** Faults of whole servers, injected on a private RabbitMQ cluster and a private MariaDB. */
enum ClusterFault {
    RABBIT_LEADER_KILL("kill -9 the RabbitMQ node leading the expiry queue, then restart it"),
    RABBIT_CLUSTER_DOWN("stop all three RabbitMQ nodes for 20 s, then start them"),
    DATABASE_KILL("kill -9 the database, then restart it (crash recovery)"),
    DATABASE_DOWN("stop the database for 20 s, then start it");

    final String description;

    ClusterFault(String description) {
        this.description = description;
    }

    String label() {
        return name().toLowerCase().replace('_', '-');
    }
}
