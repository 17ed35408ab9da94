/**
 * What every domain's REST resources share, so that the API looks and behaves the same
 * everywhere: {@link org.kumiki.platform.rest.ApiServlet} (routes with the role each needs,
 * bearer-token authentication through the platform's AccessControl, JSON bodies and errors
 * {@code {"error": "...", "status": N}}, paging {@code ?limit=&after=} answering
 * {@code {"items": [...], "next": "..."}}, idempotent submission with an {@code Idempotency-Key}
 * header, Server-Sent Events) and the OpenAPI 3 description each servlet gives of its routes,
 * merged at {@code /api/openapi.json}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.kumiki.platform.rest;
