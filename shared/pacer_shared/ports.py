"""Where each service listens on one machine (`make run`, the console's local server, the `pacer` command)."""

LOCAL_PORTS = {
    "goals": 8101,
    "reviews": 8102,
    "feedback": 8103,
    "incentives": 8104,
    "notifications": 8105,
    "analytics": 8106,
    "connectors": 8107,
}


def local_urls() -> dict[str, str]:
    return {name: f"http://127.0.0.1:{port}" for name, port in LOCAL_PORTS.items()}
