"""`GET /api/v1/openapi.json`: the kiosk API described in OpenAPI 3.1 (JSON Schema 2020-12).

Kept next to the code and precise enough for a schema-based fuzzer (schemathesis runs it in the
test suite): every status code an operation can answer is listed with its body.
"""

from collections.abc import Mapping

from webapp.reports.verification import MESSAGES as VERIFY_CODES
from webapp.sync.validation import MAX_PLAUSIBLE_SKEW


def _error(description: str, retry_after: bool = False) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if retry_after:
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "required": True,
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
            }
        }
    return response


def _json(description: str, ref: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


BUSY = _error("The database is busy; nothing was stored, retry later.", retry_after=True)
BILINGUAL = {
    "type": "object",
    "required": ["vi", "en"],
    "properties": {"vi": {"type": "string"}, "en": {"type": "string"}},
}
DATE_TIME = {"type": "string", "format": "date-time"}
# What a kiosk reports about itself is telemetry: a value of the wrong form is ignored, never a
# reason to refuse a sync, so the schema admits any value and says which ones are used.
KIOSK_FACTS = {
    "app_version": "its app version (up to 40 characters)",
    "queued": "how many responses wait in its outbox (a whole number)",
    "persisted": "whether its storage is persistent (true/false)",
}


def openapi_document(config: Mapping) -> dict:
    max_items = int(config["SYNC_MAX_RESPONSES"])
    max_bytes = int(config["SYNC_MAX_BYTES"])
    verify_bytes = int(config["VERIFY_MAX_BYTES"])
    bearer: list[dict[str, list[str]]] = [{"kioskToken": []}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hài Lòng kiosk API",
            "version": "1.0.0",
            "description": (
                "Kiosk tablets enroll with a one-time code, download their configuration and "
                "send responses in batches; surveyors' phones get a device token from a "
                "signed-in session and send field interviews the same way. Every error is "
                "JSON {error, message}."
            ),
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "kioskToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": (
                        "The device token returned by POST /api/v1/kiosk/enroll (a tablet) "
                        "or POST /api/v1/field/token (a surveyor's phone)."
                    ),
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "A signed-in browser session (POST /login).",
                },
            },
            "schemas": _schemas(max_items),
        },
        "paths": {
            "/api/v1/kiosk/enroll": {
                "post": {
                    "operationId": "enrollKiosk",
                    "summary": "Exchange a one-time enrollment code for a device token.",
                    "description": (
                        "The code (XXXX-XXXX, case and dashes ignored) is single-use and "
                        "expires. Attempts are rate-limited per address."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/EnrollRequest"}
                            }
                        },
                    },
                    "responses": {
                        "200": _json("The kiosk is enrolled; keep the token.", "EnrollReply"),
                        "400": _error("Missing, wrong or already used code."),
                        "410": _error("The code has expired."),
                        "429": _error("Too many attempts.", retry_after=True),
                        "503": BUSY,
                    },
                }
            },
            "/api/v1/kiosk/config": {
                "get": {
                    "operationId": "kioskConfig",
                    "summary": "The unit, surveys, settings and UI texts of this kiosk.",
                    "description": (
                        "Answers a weak ETag over everything but server_time; send it back in "
                        "If-None-Match to get 304 when nothing changed. The kiosk may report "
                        "itself in the headers X-Kiosk-App-Version, X-Kiosk-Queued and "
                        "X-Kiosk-Storage-Persisted (values of the wrong type are ignored)."
                    ),
                    "security": bearer,
                    "parameters": [
                        _header("If-None-Match", {"type": "string"}),
                        *KIOSK_FACT_HEADERS,
                    ],
                    "responses": {
                        "200": {
                            **_json("The configuration.", "KioskConfig"),
                            "headers": {"ETag": {"required": True, "schema": {"type": "string"}}},
                        },
                        "304": {"description": "Unchanged since the ETag sent."},
                        "401": _error("Missing or unknown device token."),
                        "403": _error("This kiosk has been revoked."),
                        "503": BUSY,
                    },
                }
            },
            "/api/v1/sync": {
                "post": {
                    "operationId": "syncResponses",
                    "summary": "Store a batch of responses; idempotent by response id.",
                    "description": (
                        f"At most {max_items} responses and {max_bytes} bytes. Each response is "
                        "checked on its own against the survey version it names: valid ones are "
                        "stored once (accepted) or were already stored (duplicates), invalid "
                        "ones are listed in rejected with per-field errors and kept in "
                        "quarantine. A response leaves the kiosk's outbox when its id is in any "
                        "of the three lists. Submission times are corrected by "
                        "(server time - device_time) when the skew is over the tolerance."
                    ),
                    "security": bearer,
                    "parameters": [
                        *KIOSK_FACT_HEADERS,
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/SyncRequest"}
                            }
                        },
                    },
                    "responses": {
                        "200": _json("What happened to each response.", "SyncReply"),
                        "400": _error(
                            "Malformed JSON or shape, or an implausible device_time "
                            "(nothing stored)."
                        ),
                        "401": _error("Missing or unknown device token."),
                        "403": _error("This kiosk has been revoked."),
                        "413": _error(f"More than {max_items} responses or {max_bytes} bytes."),
                        "429": _error("Too many requests from this kiosk.", retry_after=True),
                        "503": BUSY,
                    },
                }
            },
            "/api/v1/kiosk/dead-letters": {
                "post": {
                    "operationId": "handOverDeadLetters",
                    "summary": "Hand the tablet's dead letters to the server's quarantine.",
                    "description": (
                        "Responses the tablet could not deliver (refused on their own, or "
                        "collected for the unit it was enrolled for before) are sent by staff "
                        "from the kiosk's staff panel, so nothing is stranded on a tablet. Each "
                        "is kept in quarantine once per (kiosk, id, content) for an admin to "
                        "correct and replay, or dismiss. `held`: the ids the server now keeps; "
                        "the tablet may delete them."
                    ),
                    "security": bearer,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/DeadLetters"}
                            }
                        },
                    },
                    "responses": {
                        "200": _json("The ids now kept in quarantine.", "DeadLettersReply"),
                        "400": _error("Malformed JSON or shape (nothing kept)."),
                        "401": _error("Missing or unknown device token."),
                        "403": _error("This kiosk has been revoked."),
                        "413": _error(f"More than {max_items} items or {max_bytes} bytes."),
                        "429": _error("Too many requests from this kiosk.", retry_after=True),
                        "503": BUSY,
                    },
                }
            },
            "/api/v1/field/token": {
                "post": {
                    "operationId": "fieldToken",
                    "summary": "A device token for a signed-in surveyor's phone (SPEC 13).",
                    "description": (
                        "The one API call authorised by a browser session: the page /field "
                        "sends its CSRF token (from <meta name=csrf-token>) in X-CSRFToken. "
                        "Each call registers a new device; an admin may revoke it."
                    ),
                    "security": [{"session": []}],
                    "parameters": [_header("X-CSRFToken", {"type": "string"})],
                    "responses": {
                        "200": _json("The new device token.", "FieldToken"),
                        "400": _error("The CSRF token is missing or wrong."),
                        "401": _error("Not signed in."),
                        "403": _error("Signed in, but not as a surveyor bound to units."),
                        "429": _error("Too many requests.", retry_after=True),
                    },
                }
            },
            "/api/v1/field/config": {
                "get": {
                    "operationId": "fieldConfig",
                    "summary": "The surveyor's units and the field questionnaires.",
                    "security": bearer,
                    "responses": {
                        "200": _json("The configuration of the field app.", "FieldConfig"),
                        "401": _error("Missing or unknown device token."),
                        "403": _error(
                            "Not a surveyor's device (a kiosk's token), revoked, or the "
                            "surveyor's account is disabled."
                        ),
                        "503": BUSY,
                    },
                }
            },
            "/api/v1/verify": {
                "post": {
                    "operationId": "verifyReport",
                    "summary": "Check that a PDF is an unaltered report signed by this system.",
                    "description": (
                        f"Upload the PDF (at most {verify_bytes} bytes) as the multipart field "
                        "`file`. The answer says whether the signature is intact and made with "
                        "this server's certificate, and whether the file is one this server "
                        "archived (`archived`). No account needed; rate-limited per address."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["file"],
                                    "properties": {
                                        "file": {
                                            "type": "string",
                                            "format": "binary",
                                            "minLength": 1,
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json("The verification result.", "VerifyReply"),
                        "400": _error("No file, or an empty one."),
                        "413": _error(f"The file is over {verify_bytes} bytes."),
                        "429": _error("Too many uploads from this address.", retry_after=True),
                        "503": BUSY,
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document.",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1 document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
    }


def _header(name: str, schema: dict, description: str | None = None) -> dict:
    header = {"name": name, "in": "header", "required": False, "schema": schema}
    if description:
        header["description"] = description
    return header


KIOSK_FACT_HEADERS = [
    _header(
        f"X-Kiosk-{name}",
        {"type": "string"},
        f"The kiosk's {KIOSK_FACTS[fact]}; other values are ignored.",
    )
    for name, fact in (
        ("App-Version", "app_version"),
        ("Queued", "queued"),
        ("Storage-Persisted", "persisted"),
    )
]


def _schemas(max_items: int) -> dict:
    return {
        "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": {"type": "string", "description": "machine-readable code"},
                "message": {"type": "string", "description": "what went wrong, for people"},
            },
        },
        "EnrollRequest": {
            "type": "object",
            "required": ["code"],
            "properties": {"code": {"type": "string", "examples": ["ABCD-EFGH"]}},
        },
        "EnrollReply": {
            "type": "object",
            "required": ["token", "kiosk"],
            "properties": {
                "token": {"type": "string", "description": "Bearer token for this tablet."},
                "kiosk": {
                    "type": "object",
                    "required": ["id", "name", "unit"],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "unit": {
                            "type": "object",
                            "required": ["slug", "name"],
                            "properties": {"slug": {"type": "string"}, "name": BILINGUAL},
                        },
                    },
                },
            },
        },
        "KioskConfig": {
            "type": "object",
            "required": ["kiosk", "unit", "surveys", "settings", "strings", "server_time"],
            "properties": {
                "kiosk": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                },
                "unit": {
                    "type": "object",
                    "required": ["slug", "name", "type"],
                    "properties": {
                        "slug": {"type": "string"},
                        "name": BILINGUAL,
                        "type": {"type": "string"},
                        "active": {"type": "boolean"},
                    },
                },
                "surveys": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["key", "version", "definition"],
                        "properties": {
                            "key": {"type": "string"},
                            "version": {"type": "integer"},
                            "title": BILINGUAL,
                            "definition": {
                                "type": "object",
                                "description": "Survey definition (questions, kinds, options).",
                            },
                        },
                    },
                },
                "settings": {
                    "type": "object",
                    "required": [
                        "reset_seconds",
                        "idle_seconds",
                        "cooldown_seconds",
                        "default_domain",
                        "staff_pin",
                    ],
                    "properties": {
                        "reset_seconds": {"type": "integer"},
                        "idle_seconds": {"type": "integer"},
                        "cooldown_seconds": {"type": "integer"},
                        "default_domain": {"type": ["string", "null"]},
                        "sync_max_responses": {"type": "integer"},
                        "sync_max_bytes": {"type": "integer"},
                        "staff_pin": {
                            "description": (
                                "Check the staff PIN offline: PBKDF2 with SHA-256 over the "
                                "PIN's UTF-8 bytes, salt = UTF-8 bytes of `salt`, `iterations`, "
                                "32 bytes; equal to hex `key` means correct. null: no PIN set."
                            ),
                            "oneOf": [
                                {"type": "null"},
                                {
                                    "type": "object",
                                    "required": ["algorithm", "hash", "iterations", "salt", "key"],
                                    "properties": {
                                        "algorithm": {"const": "PBKDF2"},
                                        "hash": {"const": "SHA-256"},
                                        "iterations": {"type": "integer"},
                                        "salt": {"type": "string"},
                                        "key": {"type": "string"},
                                    },
                                },
                            ],
                        },
                    },
                },
                "strings": {
                    "type": "object",
                    "description": "Kiosk UI texts per language: {vi: {key: text}, en: {...}}.",
                    "required": ["vi", "en"],
                    "additionalProperties": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                    },
                },
                "server_time": DATE_TIME,
            },
        },
        "SyncRequest": {
            "type": "object",
            "required": ["device_time", "responses"],
            "properties": {
                "device_time": {
                    **DATE_TIME,
                    "description": (
                        "The tablet's clock when it sent the batch (with a zone). A reading "
                        f"more than {MAX_PLAUSIBLE_SKEW.days // 365} years from the server's "
                        "clock is refused (400): no "
                        "tablet's clock is that wrong, and the skew correction would be absurd."
                    ),
                },
                "responses": {
                    "type": "array",
                    "maxItems": max_items,
                    "items": {"$ref": "#/components/schemas/SyncItem"},
                },
                "kiosk": {
                    "description": (
                        "Optional facts the kiosk reports: "
                        + "; ".join(f"`{key}` {text}" for key, text in KIOSK_FACTS.items())
                        + ". Anything else here, or a value of another form, is ignored."
                    ),
                },
            },
        },
        "SyncItem": {
            "type": "object",
            "required": ["id", "survey", "version", "locale", "submitted_at", "answers"],
            "properties": {
                "id": {
                    "type": "string",
                    "format": "uuid",
                    "description": "Client-generated, preferably UUIDv7; the idempotency key.",
                },
                "survey": {"type": "string"},
                "version": {"type": "integer", "minimum": 1},
                "locale": {"enum": ["vi", "en"]},
                "started_at": {**DATE_TIME, "description": "Optional."},
                "submitted_at": DATE_TIME,
                "answers": {
                    "type": "object",
                    "description": (
                        "question id -> value: rating5 1-5, yesno true/false, choice option "
                        "code, text string; null means unanswered. The first question (overall "
                        "rating) is required for a kiosk survey; a field survey requires "
                        "the questions marked required that its skip logic shows."
                    ),
                    "additionalProperties": {"type": ["integer", "boolean", "string", "null"]},
                },
                "unit": {
                    "type": "string",
                    "description": (
                        "Field responses only (a surveyor's device token): the slug of the unit "
                        "the interview is about, one the surveyor is assigned to; otherwise "
                        "the item is rejected with errors.unit. A kiosk's responses are about "
                        "its own unit and leave this out."
                    ),
                },
                "contact": {
                    "type": "object",
                    "description": (
                        "Optional consented follow-up contact (SPEC 13), stored encrypted. "
                        "Without consent true, with a phone that is not a Vietnamese number or "
                        "an unknown consent_version the item is rejected with errors.contact."
                    ),
                    "required": ["phone", "consent"],
                    "properties": {
                        "phone": {"type": "string", "maxLength": 40},
                        "consent": {"const": True},
                        "consent_version": {
                            "type": "string",
                            "description": "Version of the consent text shown; default current.",
                        },
                    },
                },
            },
        },
        "FieldToken": {
            "type": "object",
            "required": ["token", "device"],
            "properties": {
                "token": {"type": "string", "description": "Bearer token for this phone."},
                "device": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                },
            },
        },
        "FieldConfig": {
            "type": "object",
            "required": ["surveyor", "units", "surveys", "settings", "server_time"],
            "properties": {
                "surveyor": {
                    "type": "object",
                    "required": ["email"],
                    "properties": {"email": {"type": "string"}},
                },
                "units": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["slug", "name", "type"],
                        "properties": {
                            "slug": {"type": "string"},
                            "name": BILINGUAL,
                            "type": {"type": "string"},
                        },
                    },
                },
                "surveys": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["key", "version", "definition", "unit_types"],
                        "properties": {
                            "key": {"type": "string"},
                            "version": {"type": "integer"},
                            "title": BILINGUAL,
                            "unit_types": {"type": "array", "items": {"type": "string"}},
                            "definition": {
                                "type": "object",
                                "description": "Sections and questions (docs/field.md).",
                            },
                            "records_contact": {
                                "type": "boolean",
                                "description": (
                                    "Whether an interview of this survey may carry a consented "
                                    "follow-up `contact` (household surveys; not inspections)."
                                ),
                            },
                        },
                    },
                },
                "contact": {
                    "type": "object",
                    "description": "The consent text read out before a contact is taken.",
                    "properties": {
                        "optin": {"type": "boolean"},
                        "consent_version": {"type": "string"},
                        "consent_text": BILINGUAL,
                    },
                },
                "settings": {
                    "type": "object",
                    "properties": {
                        "sync_max_responses": {"type": "integer"},
                        "sync_max_bytes": {"type": "integer"},
                    },
                },
                "server_time": DATE_TIME,
            },
        },
        "DeadLetters": {
            "type": "object",
            "required": ["items"],
            "properties": {
                "items": {
                    "type": "array",
                    "maxItems": max_items,
                    "items": {
                        "type": "object",
                        "required": ["id", "response"],
                        "properties": {
                            "id": {"type": "string"},
                            "response": {
                                "type": "object",
                                "description": "The response as the tablet would have sent it.",
                            },
                            "errors": {
                                "description": "Why it was refused: {field: message}.",
                            },
                            "reason": {"description": "A tablet-side reason, e.g. other_unit."},
                        },
                    },
                }
            },
        },
        "DeadLettersReply": {
            "type": "object",
            "required": ["held"],
            "properties": {"held": {"type": "array", "items": {"type": "string"}}},
        },
        "VerifyReply": {
            "type": "object",
            "required": ["valid", "code", "message", "archived", "file_sha256"],
            "properties": {
                "valid": {"type": "boolean"},
                "code": {"enum": list(VERIFY_CODES), "description": "ok, or why not."},
                "message": {
                    "type": "string",
                    "description": "The result, in the request's language.",
                },
                "archived": {
                    "type": "boolean",
                    "description": "Valid and byte for byte a report this server issued.",
                },
                "file_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                **{
                    name: {"type": ["string", "null"]}
                    for name in (
                        "signer",
                        "signer_fingerprint",
                        "signed_at",
                        "unit",
                        "unit_name",
                        "period",
                        "kind",
                        "locale",
                        "generated_at",
                        "data_sha256",
                        "sha256",
                    )
                },
                "trusted_signer": {"type": "boolean"},
                "dev_certificate": {"type": "boolean"},
            },
        },
        "SyncReply": {
            "type": "object",
            "required": ["accepted", "duplicates", "rejected", "server_time"],
            "properties": {
                "accepted": {"type": "array", "items": {"type": "string"}},
                "duplicates": {"type": "array", "items": {"type": "string"}},
                "rejected": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "errors"],
                        "properties": {
                            "id": {
                                "type": ["string", "null"],
                                "description": "as sent (null when the item had no string id)",
                            },
                            "errors": {
                                "type": "object",
                                "additionalProperties": {"type": "string"},
                            },
                        },
                    },
                },
                "server_time": DATE_TIME,
            },
        },
    }
