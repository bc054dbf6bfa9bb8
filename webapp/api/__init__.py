"""The public description of the HTTP API (OpenAPI 3.1)."""
