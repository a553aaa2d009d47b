package com.example.orders.web;

import jakarta.validation.ConstraintViolationException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error leaves as an RFC 9457 problem with a stable {@code type}; invalid input names the
 * fields that failed in {@code errors}. A 500 never carries the exception's message; an unreachable
 * database is a 503 ({@link DatabaseUnavailable}), and so is a transaction the database kept aborting
 * ({@link DatabaseBusy}).
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    static final String TYPE_BASE = "https://github.com/order-expiry/problems/";

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        ProblemDetail problem =
                problem(HttpStatus.NOT_FOUND, "not-found", "Not found", "No %s %s".formatted(e.what(), e.id()));
        problem.setProperty(e.what(), e.id());
        return problem;
    }

    @ExceptionHandler(ConflictException.class)
    ProblemDetail conflict(ConflictException e) {
        return problem(HttpStatus.CONFLICT, e.type(), e.title(), e.getMessage());
    }

    @ExceptionHandler(InvalidRequestException.class)
    ProblemDetail invalid(InvalidRequestException e) {
        return invalid(List.of(fieldError(e.field(), e.getMessage())));
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ProblemDetail invalid(ConstraintViolationException e) {
        return invalid(e.getConstraintViolations().stream()
                .map(v -> fieldError(leaf(v.getPropertyPath().toString()), v.getMessage()))
                .toList());
    }

    /**
     * Anything else is a 500, except the database being unreachable or aborting the transaction past
     * its retries: a 503 the client may retry.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (DatabaseUnavailable.causedBy(e)) {
            return DatabaseUnavailable.answer(e);
        }
        if (DatabaseBusy.causedBy(e)) {
            return DatabaseBusy.answer(e);
        }
        log.error("Unhandled error", e);
        return ResponseEntity.internalServerError()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem(
                        HttpStatus.INTERNAL_SERVER_ERROR,
                        "internal-error",
                        "Internal error",
                        "Something went wrong on our side"));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ResponseEntity.badRequest()
                .body(invalid(e.getBindingResult().getFieldErrors().stream()
                        .map(f -> fieldError(f.getField(), f.getDefaultMessage()))
                        .toList()));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ResponseEntity.badRequest()
                .body(invalid(e.getParameterValidationResults().stream()
                        .flatMap(r -> r.getResolvableErrors().stream()
                                .map(err ->
                                        fieldError(r.getMethodParameter().getParameterName(), err.getDefaultMessage())))
                        .toList()));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String field = "body";
        String message = "is not readable JSON";
        if (e.getCause() instanceof JacksonException jackson
                && !jackson.getPath().isEmpty()) {
            field = path(jackson.getPath());
            message = "has the wrong type or is out of range";
        } else if (e.getCause() instanceof JacksonException) {
            message = "is not valid JSON";
        } else if (e.getCause() == null) {
            message = "is missing";
        }
        return ResponseEntity.badRequest().body(invalid(List.of(fieldError(field, message))));
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(
            Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem) {
            if (problem.getType() == null || problem.getType().equals(URI.create("about:blank"))) {
                problem.setType(URI.create(TYPE_BASE + "http-" + status.value()));
            }
            // Spring would negotiate plain JSON for errors raised before a handler was chosen (e.g. 415).
            // The headers of an ErrorResponse (a path that names no resource, 405's Allow) are read-only.
            HttpHeaders writable = new HttpHeaders();
            writable.addAll(headers);
            writable.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            return super.createResponseEntity(body, writable, status, request);
        }
        return super.createResponseEntity(body, headers, status, request);
    }

    private static ProblemDetail invalid(List<Map<String, String>> errors) {
        ProblemDetail problem = problem(
                HttpStatus.BAD_REQUEST,
                "invalid-request",
                "Invalid request",
                errors.stream()
                        .map(e -> e.get("field") + " " + e.get("message"))
                        .collect(Collectors.joining("; ")));
        problem.setProperty("errors", errors);
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + type));
        problem.setTitle(title);
        return problem;
    }

    private static Map<String, String> fieldError(String field, String message) {
        return Map.of("field", field, "message", message == null ? "is invalid" : message);
    }

    private static String path(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : references) {
            if (ref.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    private static String leaf(String propertyPath) {
        int dot = propertyPath.lastIndexOf('.');
        return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
    }
}
