"""The OpenAPI 3.1 description of the job order API, served at ``/api/openapi.json``.

Why generated: the JobOrder schema comes from the pydantic model the handler validates with, so
the description cannot drift from what the API accepts.
"""

from __future__ import annotations

from typing import Any

from bot.domain.job_order_states import JOB_STATUS_LABELS
from bot.ui import texts
from matching.models import JobOrder

MAX_BATCH = 500  # job orders in one request
FEED_MAX_LIMIT = 1000  # status changes in one page of GET /api/jobordrer?since=…


def openapi_spec(max_body_bytes: int = 1_048_576, max_batch: int = MAX_BATCH) -> dict[str, Any]:
    """OpenAPI 3.1 for the job order API; the JobOrder schema comes from the pydantic model itself."""
    job_schema = JobOrder.model_json_schema(ref_template="#/components/schemas/{model}", mode="validation")
    defs = job_schema.pop("$defs", {})
    error = {"type": "object", "required": ["fejl"], "properties": {"fejl": {"type": "string"}}}
    field_error = {
        "type": "object",
        "required": ["felt", "besked"],
        "properties": {"felt": {"type": "string"}, "besked": {"type": "string"}},
    }
    accepted = {
        "type": "object",
        "required": ["besked", "jobordrer"],
        "properties": {
            "besked": {"type": "string"},
            "jobordrer": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "resultat", "resultat_tekst", "i_koe"],
                    "properties": {
                        "id": {"type": "string"},
                        "resultat": {"type": "string", "enum": ["created", "unchanged", "revised"]},
                        "resultat_tekst": {"type": "string"},
                        "i_koe": {"type": "boolean", "description": texts.OPENAPI_QUEUED},
                    },
                },
            },
        },
    }
    invalid = {
        "type": "object",
        "required": ["fejl"],
        "properties": {
            "fejl": {"type": "string"},
            "jobordrer": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["index", "felter"],
                    "properties": {
                        "index": {"type": "integer"},
                        "felter": {"type": "array", "items": field_error},
                    },
                },
            },
        },
    }
    state = {
        "type": "object",
        "required": ["id", "titel", "virksomhed", "status", "status_tekst", "revideret", "tragt"],
        "properties": {
            "id": {"type": "string"},
            "titel": {"type": "string"},
            "virksomhed": {"type": "string"},
            "status": {"type": "string", "enum": ["queued", "shortlisted", "dead", "unknown"]},
            "status_tekst": {"type": "string"},
            "revideret": {"type": "boolean", "description": texts.OPENAPI_REVISED},
            "tragt": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0},
                "description": texts.OPENAPI_FUNNEL,
            },
        },
    }

    # --- issue 11: the job order lifecycle, the change feed and the outgoing webhooks ---------------
    lifecycle_properties: dict[str, Any] = {
            "jobordre_status": {
                "type": "string", "enum": list(JOB_STATUS_LABELS), "description": texts.OPENAPI_JOB_STATUS
            },
            "jobordre_status_tekst": {"type": "string"},
            "besatte": {"type": "integer", "minimum": 0},
            "stillinger": {"type": "integer", "minimum": 1},
    }  # fmt: skip
    state_properties: dict[str, Any] = state["properties"]  # type: ignore[assignment]
    state_properties.update(lifecycle_properties)
    status_change = {
        "type": "object",
        "description": texts.OPENAPI_STATUS_CHANGE,
        "required": ["id", "type", "jobordre_id", "status", "status_tekst", "forrige_status", "besatte",
                     "stillinger", "ansatte", "aarsag", "version", "tidspunkt"],
        "properties": {
            "id": {"type": "string", "description": texts.OPENAPI_EVENT_ID},
            "type": {"type": "string", "enum": ["jobordre.status"]},
            "jobordre_id": {"type": "string"},
            "status": {"type": "string", "enum": list(JOB_STATUS_LABELS)},
            "status_tekst": {"type": "string"},
            "forrige_status": {"type": "string", "enum": list(JOB_STATUS_LABELS)},
            "besatte": {"type": "integer", "minimum": 0},
            "stillinger": {"type": "integer", "minimum": 1},
            "ansatte": {"type": "integer", "minimum": 0},
            "aarsag": {"type": "string", "enum": ["ansat", "besat_meldt", "annulleret", "udloebet"]},
            "version": {"type": "integer", "minimum": 1},
            "tidspunkt": {"type": "string", "format": "date-time"},
        },
    }  # fmt: skip
    feed = {
        "type": "object",
        "required": ["aendringer", "naeste", "flere"],
        "properties": {
            "aendringer": {"type": "array", "items": {"$ref": "#/components/schemas/StatusChange"}},
            "naeste": {"type": "string", "description": texts.OPENAPI_FEED_NEXT},
            "flere": {"type": "boolean"},
        },
    }
    signed_header = {"required": True, "schema": {"type": "string"}}
    webhooks = {
        "jobordreStatus": {
            "post": {
                "operationId": "jobOrderStatusWebhook",
                "summary": texts.OPENAPI_WEBHOOK_SUMMARY,
                "description": texts.OPENAPI_WEBHOOK_DESCRIPTION,
                "parameters": [
                    {"name": "X-Matchbot-Timestamp", "in": "header", **signed_header},
                    {"name": "X-Matchbot-Key-Id", "in": "header", **signed_header},
                    {"name": "X-Matchbot-Signature", "in": "header", **signed_header},
                    {"name": "Idempotency-Key", "in": "header", **signed_header},
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/StatusChange"}}
                    },
                },
                "responses": {"2XX": {"description": texts.OPENAPI_WEBHOOK_2XX}},
                "security": [],
            }
        }
    }

    def body(description: str, schema: str) -> dict[str, Any]:
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }

    def err(description: str) -> dict[str, Any]:
        return body(description, "Error")

    auth_errors = {
        "401": err(texts.OPENAPI_401),
        "403": err(texts.OPENAPI_403),
        "503": err(texts.OPENAPI_503),
    }
    too_large = texts.OPENAPI_413.format(max_body_bytes=max_body_bytes, max_batch=max_batch)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": texts.OPENAPI_TITLE,
            "version": "1.0.0",
            "description": texts.OPENAPI_DESCRIPTION,
        },
        "security": [{"bearer": []}, {"apiKey": []}],
        "webhooks": webhooks,
        "paths": {
            "/api/jobordrer": {
                "get": {
                    "operationId": "getJobOrderChanges",
                    "summary": texts.OPENAPI_FEED_SUMMARY,
                    "description": texts.OPENAPI_FEED_DESCRIPTION,
                    "parameters": [
                        {"name": "since", "in": "query", "required": False, "schema": {"type": "string"}},
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": FEED_MAX_LIMIT},
                        },
                    ],
                    "responses": {
                        "200": body(texts.OPENAPI_FEED_200, "ChangeFeed"),
                        "400": err(texts.OPENAPI_FEED_400),
                        **auth_errors,
                    },
                },
                "post": {
                    "operationId": "postJobOrders",
                    "summary": texts.OPENAPI_POST_SUMMARY,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/JobOrder"},
                                        {
                                            "type": "array",
                                            "minItems": 1,
                                            "maxItems": max_batch,
                                            "items": {"$ref": "#/components/schemas/JobOrder"},
                                        },
                                    ]
                                }
                            }
                        },
                    },
                    "responses": {
                        "202": body(texts.OPENAPI_202, "Accepted"),
                        "200": body(texts.OPENAPI_200, "Accepted"),
                        "400": err(texts.OPENAPI_400),
                        "413": err(too_large),
                        "415": err(texts.OPENAPI_415),
                        "422": body(texts.OPENAPI_422, "Invalid"),
                        **auth_errors,
                    },
                }
            },
            # Issue 12: the report exports, behind the same credential.
            "/api/rapporter/{rapport}": report_path(err, auth_errors),
            "/api/jobordrer/{job_order_id}": {
                "get": {
                    "operationId": "getJobOrder",
                    "summary": texts.OPENAPI_GET_SUMMARY,
                    "parameters": [
                        {"name": "job_order_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": body(texts.OPENAPI_GET_200, "JobOrderState"),
                        "404": err(texts.OPENAPI_404),
                        **auth_errors,
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
            "schemas": {
                **defs,
                "JobOrder": job_schema,
                "Error": error,
                "FieldError": field_error,
                "Accepted": accepted,
                "Invalid": invalid,
                "JobOrderState": state,
                "StatusChange": status_change,
                "ChangeFeed": feed,
            },
        },
    }


# --- the report exports (issue 12): GET /api/rapporter/{rapport} -------------------------------------


def report_path(err: Any, auth_errors: dict[str, Any]) -> dict[str, Any]:
    """``GET /api/rapporter/{rapport}``: CSV (default), Excel or JSON (``bot.features.reports_api``)."""
    text = {"type": "string", "maxLength": 64}
    return {
        "get": {
            "operationId": "getReport",
            "summary": texts.OPENAPI_REPORT_SUMMARY,
            "description": texts.OPENAPI_REPORT_DESCRIPTION,
            "parameters": [
                {
                    "name": "rapport",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["maaltal", "resultater", "tid", "klausuler"]},
                },
                {"name": "periode", "in": "query", "required": False, "schema": text},
                {"name": "kontrakt", "in": "query", "required": False, "schema": text},
                {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["csv", "xlsx", "json"]},
                },
            ],
            "responses": {
                "200": {
                    "description": texts.OPENAPI_REPORT_200,
                    "content": {
                        "text/csv": {"schema": {"type": "string"}},
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                            "schema": {"type": "string", "format": "binary"}
                        },
                        "application/json": {"schema": {"type": "object"}},
                    },
                },
                "400": err(texts.OPENAPI_REPORT_400),
                "404": err(texts.OPENAPI_404),
                **auth_errors,
            },
        }
    }
