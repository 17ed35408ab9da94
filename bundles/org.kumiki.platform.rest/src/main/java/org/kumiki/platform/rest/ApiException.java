package org.kumiki.platform.rest;

/** An error answered as {@code {"error": message, "status": status}}. */
public class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** Adds a header to the error answer (e.g. {@code Allow}, {@code Retry-After}). */
    public ApiException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public java.util.Map<String, String> headers() {
        return java.util.Collections.unmodifiableMap(headers);
    }

    public int status() {
        return status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }
}
