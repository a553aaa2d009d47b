package com.example.orders.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProductSqlTest {

    /** Stands in for a repository: a text block and a one-line constant, as order-service writes them. */
    @SuppressWarnings("unused")
    static final class Repository {
        static final String TAKE = """
                UPDATE product SET stock = stock - :quantity
                WHERE sku = :sku AND stock >= :quantity
                """;
        private static final String PRICES = "SELECT sku, price_cents FROM product WHERE sku IN (:skus)";
        static final int NOT_A_STRING = 3;
        private final String notAConstant = "x";
    }

    @Test
    void theStringConstantsOfAClassFileAreReadAsJavacWroteThem() throws Exception {
        byte[] classFile;
        try (InputStream in = Repository.class.getResourceAsStream("ProductSqlTest$Repository.class")) {
            classFile = in.readAllBytes();
        }
        var constants = ProductSql.stringConstants(classFile);
        assertThat(constants).containsEntry("TAKE", Repository.TAKE).containsEntry("PRICES", Repository.PRICES);
        assertThat(constants).doesNotContainKeys("NOT_A_STRING", "notAConstant");
    }

    @Test
    void namedParametersBecomePositionalInTheirOrder() {
        var p = ProductSql.positional(Repository.TAKE);
        assertThat(p.sql()).isEqualTo("UPDATE product SET stock = stock - ?\nWHERE sku = ? AND stock >= ?\n");
        assertThat(p.names()).isEqualTo(List.of("quantity", "sku", "quantity"));
        assertThat(ProductSql.positional("SELECT CAST(x AS CHAR)::text, '10:30' FROM t WHERE id = :id")
                        .names())
                .containsExactly("id");
    }

    @Test
    void theServiceConnectionSettingsAreReadFromItsApplicationYml() {
        var settings = ConnectionSettings.parse("""
                spring:
                  datasource:
                    hikari:
                      # one clock
                      connection-init-sql: SET time_zone = '+00:00'
                      maximum-pool-size: 10
                      data-source-properties:
                        # a comment
                        connectTimeout: 2000
                        cachePrepStmts: true
                  flyway:
                    locations: classpath:db/migration
                """);
        assertThat(settings.initSql()).isEqualTo("SET time_zone = '+00:00'");
        assertThat(settings.urlProperties()).isEqualTo("connectTimeout=2000&cachePrepStmts=true");
    }
}
