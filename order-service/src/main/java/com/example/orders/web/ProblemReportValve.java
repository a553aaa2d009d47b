package com.example.orders.web;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;

/**
 * Tomcat refuses some requests itself, before Spring sees them (an encoded {@code /} or {@code \},
 * a NUL, invalid UTF-8 in the path) and its error report valve answers with an HTML page. This valve
 * answers those as a problem instead, so even they keep the contract's {@code application/problem+json}.
 */
public class ProblemReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"type\":\"%shttp-%d\",\"title\":\"%s\",\"status\":%d}"
                        .formatted(ProblemHandler.TYPE_BASE, status, title, status));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away; nothing left to tell it
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registration {

        /** The host adds this valve when it starts, after (so inside) the plain one Boot adds. */
        @Bean
        TomcatContextCustomizer problemReportValve() {
            return context ->
                    ((StandardHost) context.getParent()).setErrorReportValveClass(ProblemReportValve.class.getName());
        }
    }
}
