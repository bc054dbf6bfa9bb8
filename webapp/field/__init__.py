"""Field surveys (SPEC 13): PAPI household interviews and code-of-conduct inspections, filled
offline on a surveyor's phone at /field and synced through the kiosks' /api/v1/sync."""
