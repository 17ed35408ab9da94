package org.kumiki.platform.rest;

import java.util.LinkedHashMap;
import java.util.Map;

/** A handler's answer with a status other than 200 or extra headers; a plain object means 200. */
public final class ApiResult {

    final int status;
    final Object body;
    final Map<String, String> headers = new LinkedHashMap<>();

    private ApiResult(int status, Object body) {
        this.status = status;
        this.body = body;
    }

    public static ApiResult of(int status, Object body) {
        return new ApiResult(status, body);
    }

    /** 201 with a {@code Location} header (a path below /api). */
    public static ApiResult created(String location, Object body) {
        return new ApiResult(201, body).header("Location", location);
    }

    /** 202: accepted, still running. */
    public static ApiResult accepted(Object body) {
        return new ApiResult(202, body);
    }

    public ApiResult header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public Object body() {
        return body;
    }
}
