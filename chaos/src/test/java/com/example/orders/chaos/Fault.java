package com.example.orders.chaos;

/** The faults the chaos run injects, each scoped to its own processes, database and vhost. */
enum Fault {
    WORKER_KILL("kill -9 expiry-worker, then restart"),
    ORDER_SERVICE_KILL("kill -9 order-service, then restart"),
    BROKER_CONNECTIONS("close every connection of the vhost"),
    DATABASE_CONNECTIONS("kill every connection to the database"),
    DUPLICATES("publish copies of real expiry messages, out of order"),
    LOST_MESSAGES("delete the expiry messages waiting for their delay");

    final String description;

    Fault(String description) {
        this.description = description;
    }
}
