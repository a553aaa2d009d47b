package com.example.orders.web;

import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.ResultMatcher;

/** What every error answer of the API is, for MockMvc slices: an RFC 9457 problem. */
public final class ProblemMatchers {

    private ProblemMatchers() {}

    /** The status, {@code application/problem+json}, a stable {@code https://} type and the status in the body. */
    public static ResultMatcher problem(int status) {
        return all(
                status().is(status),
                content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON),
                jsonPath("$.type").value(startsWith("https://")),
                jsonPath("$.status").value(status));
    }

    private static ResultMatcher all(ResultMatcher... matchers) {
        return result -> {
            for (ResultMatcher matcher : matchers) {
                matcher.match(result);
            }
        };
    }

    /** A 400 problem whose {@code errors} name the field. */
    public static ResultMatcher invalid(String field) {
        return all(problem(400), jsonPath("$.errors[*].field").value(hasItem(field)));
    }
}
