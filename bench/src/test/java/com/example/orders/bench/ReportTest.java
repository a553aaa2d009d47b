package com.example.orders.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.testsupport.Metrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ReportTest {

    @Test
    void resultsAreWrittenAsJsonWithEscapedStringsAndNullForNaN() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("name", "a \"quoted\"\nline");
        result.put("rate", 12.3456);
        result.put("missing", Double.NaN);
        result.put("steps", List.of(1, 2));
        JsonNode written = JsonMapper.builder().build().readTree(Json.write(result));
        assertThat(written.path("name").asString()).isEqualTo("a \"quoted\"\nline");
        assertThat(written.path("rate").decimalValue()).isEqualByComparingTo("12.346");
        assertThat(written.path("missing").isNull()).isTrue();
        assertThat(written.path("steps").toString()).isEqualTo("[1,2]");
    }

    @Test
    void prometheusSamplesOfAllLabelSetsAreSummed() {
        String scrape = """
                # HELP orders_expiry_republished_total x
                orders_expiry_republished_total{reason="lock-conflict"} 3.0
                orders_expiry_republished_total{reason="early"} 2.0
                orders_expiry_republished_totalish 100.0
                """;
        assertThat(Metrics.sum(scrape, "orders_expiry_republished_total")).isEqualTo(5.0);
        assertThat(Metrics.sum(scrape, "orders_expired_total")).isZero();
    }

    @Test
    void chartsAreSvgWithOneMarkPerPointAndNiceAxes() {
        String svg = new Chart("t<1>", "x", "y")
                .line("p99", List.of(new double[] {1, 10}, new double[] {2, 20}))
                .svg();
        assertThat(svg).startsWith("<svg").endsWith("</svg>").contains("t&lt;1&gt;");
        assertThat(svg.split("<circle").length - 1).isEqualTo(2);
        assertThat(Chart.nice(37)).isEqualTo(50);
        assertThat(Chart.nice(0.8)).isEqualTo(1);
    }

    @Test
    void latenessIsSummarisedFromTheOrders() {
        Map<String, Object> s = Lateness.summary(List.of(new Db.Closed(10, 100), new Db.Closed(30, 200)));
        assertThat(s).containsEntry("count", 2);
        assertThat((Double) s.get("maxMs")).isBetween(29.9, 30.1);
        assertThat(Lateness.cumulative(List.of(new Db.Closed(10, 1000))).get(0)).containsExactly(1.0, 1.0);
    }
}
