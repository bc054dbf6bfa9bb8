"""The HTTP API (`/api/v1`): enrollment, kiosk config, sync and the OpenAPI document."""
