"""OpenAPI post-processing: document the error responses every operation can give."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error. Validation errors map each field or parameter to its messages.",
    "additionalProperties": True,
    "properties": {"detail": {"type": "string"}},
}

ERRORS = {
    "400": "Bad input: the body names each field or parameter that was wrong",
    "401": "Not authenticated (writes need a curator token)",
    "403": "Not allowed",
    "404": "Not found",
    "405": "Method not allowed",
    "406": "Not acceptable (the API speaks JSON)",
    "409": "Edit conflict: the entry changed since its version was read",
    "415": "Unsupported media type (send JSON)",
    "429": "Too many requests; see the Retry-After header",
}


def document_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code == "409" and method not in ("patch", "put", "post"):
                    continue
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
            if method == "get":
                responses.setdefault("304", {"description": "Not modified (If-None-Match / If-Modified-Since)"})
    return result
