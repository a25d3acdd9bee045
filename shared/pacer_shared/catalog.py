"""Generates the committed event contracts: one JSON Schema per event and an AsyncAPI 3.0 document.

`python -m pacer_shared.catalog write` regenerates them; `check` exits non-zero when the
committed files differ from the models (CI runs it through the test suite).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from pacer_shared import topics
from pacer_shared.events import EVENT_TYPES, CloudEvent, EventData

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"

PRODUCERS = {
    topics.SALES_ACTIVITY: "CRM and other sales systems (inbound)",
    topics.ORG_PEOPLE: "HRIS, the identity provider through the connectors' SCIM endpoint, a CRM roster, or the CSV "
    "import (inbound, compacted)",
    topics.GOALS_EVENTS: "goals service",
    topics.REVIEWS_EVENTS: "reviews service",
    topics.FEEDBACK_EVENTS: "feedback service",
    topics.INCENTIVES_EVENTS: "incentives service",
    topics.NOTIFICATIONS_EVENTS: "notifications service",
    topics.ANALYTICS_EVENTS: "analytics service",
}
INBOUND = {topics.SALES_ACTIVITY, topics.ORG_PEOPLE}


def event_schema(model: type[EventData]) -> dict[str, Any]:
    """The whole CloudEvent for one type: the envelope with `type`, `dataversion` and `data` pinned."""
    envelope = CloudEvent.model_json_schema()
    data = model.model_json_schema(ref_template="#/$defs/{model}")
    definitions = {**envelope.pop("$defs", {}), **data.pop("$defs", {})}
    envelope["properties"]["type"] = {"const": model.event_type, "type": "string"}
    envelope["properties"]["dataversion"] = {"const": model.version, "type": "integer"}
    envelope["properties"]["data"] = data
    envelope["title"] = model.event_type
    envelope["description"] = (model.__doc__ or model.event_type).strip().splitlines()[0]
    envelope["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    envelope["$id"] = f"https://pacer.dev/schemas/events/{model.event_type}.v{model.version}.json"
    envelope["x-pacer-topic"] = model.topic
    envelope["x-pacer-key"] = model.subject_field
    if model.subject_fallback:
        envelope["x-pacer-key-fallback"] = model.subject_fallback
    if definitions:
        envelope["$defs"] = definitions
    return envelope


def key_description(model: type[EventData]) -> str:
    if model.subject_fallback:
        return f"the event's {model.subject_field}, or its {model.subject_fallback} when it has none"
    return f"the event's {model.subject_field}"


def asyncapi() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for name, model in sorted(EVENT_TYPES.items()):
        messages[name] = {
            "name": name,
            "title": name,
            "summary": (model.__doc__ or name).strip().splitlines()[0],
            "contentType": "application/cloudevents+json",
            "payload": {"$ref": f"./events/{name}.json"},
            "bindings": {"kafka": {"key": {"type": "string", "description": key_description(model)}}},
        }
    for topic in topics.ALL:
        channel_id = topic.replace(".", "-")
        types = sorted(name for name, model in EVENT_TYPES.items() if model.topic == topic)
        channels[channel_id] = {
            "address": "{prefix}" + topic,
            "description": f"Published by the {PRODUCERS[topic]}.",
            "parameters": {"prefix": {"description": "Deployment topic prefix (PACER_TOPIC_PREFIX), may be empty"}},
            "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in types},
        }
        action = "receive" if topic in INBOUND else "send"
        operations[f"{action}-{channel_id}"] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{name}"} for name in types],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Pacer events",
            "version": "1.0.0",
            "description": (
                "Every Pacer event is a CloudEvents 1.0 JSON document with a `dataversion` extension. "
                "Keys are the person (or team) the event is about, so one person's events stay in order; a "
                "`SalesActivityRetracted` that names no assistant is keyed by its `activity_id`. "
                "Messages that cannot be processed go to `<topic>.dlq` with `pacer-dlq-*` headers."
            ),
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def rendered() -> dict[Path, str]:
    files = {
        SCHEMAS / "events" / f"{name}.json": json.dumps(event_schema(model), indent=2, sort_keys=True) + "\n"
        for name, model in EVENT_TYPES.items()
    }
    files[SCHEMAS / "asyncapi.yaml"] = yaml.safe_dump(asyncapi(), sort_keys=False, allow_unicode=True, width=100)
    return files


def drift() -> list[str]:
    """Files that are missing, stale or no longer generated."""
    expected = rendered()
    problems = [str(path) for path, text in expected.items() if not path.exists() or path.read_text() != text]
    problems += [str(path) for path in (SCHEMAS / "events").glob("*.json") if path not in expected]
    return sorted(problems)


def write() -> None:
    (SCHEMAS / "events").mkdir(parents=True, exist_ok=True)
    for stale in (SCHEMAS / "events").glob("*.json"):
        stale.unlink()
    for path, text in rendered().items():
        path.write_text(text)


if __name__ == "__main__":
    if sys.argv[1:] == ["write"]:
        write()
    elif sys.argv[1:] == ["check"]:
        if stale := drift():
            sys.exit("event contracts drifted from the models; run `make schemas`:\n  " + "\n  ".join(stale))
    else:
        sys.exit("usage: python -m pacer_shared.catalog write|check")
