package com.example.orders.web;

import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The request was valid and nothing was written, but it could not be carried out right now (e.g.
 * stock rows kept changing under it): 503 with {@code Retry-After}; the same request again is safe.
 */
public class RetryLaterException extends ErrorResponseException {

    /**
     * @param type stable short code, the last segment of the problem's type URI
     * @param detail this occurrence
     * @param retryAfter when trying again is worthwhile
     */
    public RetryLaterException(String type, String detail, Duration retryAfter) {
        super(HttpStatus.SERVICE_UNAVAILABLE, problem(type, detail), null);
        getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, retryAfter.toSeconds())));
    }

    private static ProblemDetail problem(String type, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setType(URI.create(ProblemHandler.TYPE_BASE + type));
        problem.setTitle("Try again shortly");
        return problem;
    }
}
