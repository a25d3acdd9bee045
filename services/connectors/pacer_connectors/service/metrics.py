"""The connectors' own Prometheus metrics (the shared ones: pacer_shared.metrics)."""

from prometheus_client import Counter, Gauge

CAUGHT_UP = Gauge(
    "pacer_connector_caught_up_timestamp_seconds",
    "When the connection last finished a catch-up pass without error (the stopped-syncing alert's clock)",
    ["connection"],
)
RECORDS = Counter(
    "pacer_connector_records_total",
    "CRM records read, by what they did: recorded, retracted, unchanged, unmapped, unreadable",
    ["connection", "outcome"],
)
ERRORS = Counter("pacer_connector_errors_total", "Failed sync passes and refused callbacks", ["connection", "reason"])
UNMAPPED_USERS = Gauge(
    "pacer_connector_unmapped_users", "CRM users whose records found no Pacer person", ["connection"]
)
