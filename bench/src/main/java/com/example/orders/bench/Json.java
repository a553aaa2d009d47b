package com.example.orders.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * Writes the result tree (maps, lists, numbers, strings, booleans) as indented JSON with Jackson.
 * Doubles are written with three decimals (figures, not noise), and NaN or infinity as null (a
 * figure that could not be measured), so that every result parses as standard JSON.
 */
final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .addModule(new SimpleModule("bench-figures").addSerializer(Double.class, new Figure()))
            .build();

    private Json() {}

    static String write(Object value) {
        return MAPPER.writeValueAsString(value) + "\n";
    }

    /** A measured figure: three decimals, null when it is not a number. */
    private static final class Figure extends ValueSerializer<Double> {

        @Override
        public void serialize(Double value, JsonGenerator out, SerializationContext context) {
            if (value.isNaN() || value.isInfinite()) {
                out.writeNull();
            } else {
                out.writeNumber(BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP));
            }
        }
    }
}
