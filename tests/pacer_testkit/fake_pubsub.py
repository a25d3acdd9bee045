"""A local Salesforce Pub/Sub API: a real gRPC server on 127.0.0.1 that streams a fake org's change events as
Salesforce documents them (the links are in pacer_connectors/adapters/salesforce_cdc.py).

Subscribe checks the session metadata against the org's tokens, honours LATEST, EARLIEST and CUSTOM replay, refuses
a replay id the stream no longer keeps, and delivers only as many events as were asked for, with keepalives carrying
the latest replay id in between. Each object has its own Avro schema (served by GetSchema), headed by a
`ChangeEventHeader`. A test can publish a gap or overflow event, and make the stream forget every event so far (as
72 hours do).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import fastavro
import grpc

from pacer_connectors.adapters.pubsub import eventbus_pb2 as pb

if TYPE_CHECKING:
    from pacer_testkit.fake_salesforce import FakeSalesforce

CHANGE_TYPES = [
    "CREATE",
    "UPDATE",
    "DELETE",
    "UNDELETE",
    "GAP_CREATE",
    "GAP_UPDATE",
    "GAP_DELETE",
    "GAP_UNDELETE",
    "GAP_OVERFLOW",
]


def change_event_schema(entity: str) -> dict[str, Any]:
    strings = {"type": "array", "items": "string"}
    header = {
        "type": "record",
        "name": "ChangeEventHeader",
        "fields": [
            {"name": "entityName", "type": "string"},
            {"name": "recordIds", "type": strings},
            {"name": "changeType", "type": {"type": "enum", "name": "ChangeType", "symbols": CHANGE_TYPES}},
            {"name": "changeOrigin", "type": "string"},
            {"name": "transactionKey", "type": "string"},
            {"name": "sequenceNumber", "type": "int"},
            {"name": "commitTimestamp", "type": "long"},
            {"name": "commitNumber", "type": "long"},
            {"name": "commitUser", "type": "string"},
            {"name": "nulledFields", "type": strings},
            {"name": "diffFields", "type": strings},
            {"name": "changedFields", "type": strings},
        ],
    }
    return {
        "type": "record",
        "name": f"{entity}ChangeEvent",
        "namespace": "com.sforce.eventbus",
        "fields": [
            {"name": "ChangeEventHeader", "type": header},
            {"name": "Name", "type": ["null", "string"], "default": None},
        ],
    }


@dataclass
class Stored:
    replay_id: bytes
    entity: str
    record_ids: list[str]
    event: pb.ProducerEvent


@dataclass
class FakePubSub:
    org: FakeSalesforce
    target: str = ""
    """host:port, once serving."""
    keepalive_seconds: float = 1.0
    events: list[Stored] = field(default_factory=list)
    kept_from: int = 0
    """Events before this index have left the stream (Salesforce keeps 72 hours)."""
    schemas: dict[str, str] = field(default_factory=dict)
    """Schema id -> the schema's JSON."""
    subscriptions: int = 0
    streams: int = 0
    """Subscriptions open now."""
    refused_replays: int = 0
    delivered: list[str] = field(default_factory=list)
    """The record ids of every event sent to a subscriber, in order."""
    available: bool = True
    _wakes: set[asyncio.Event] = field(default_factory=set)
    _sequence: int = 0

    # ------------------------------------------------------------ what the org and a test do

    def publish(self, entity: str, change_type: str, record_ids: list[str]) -> None:
        schema = change_event_schema(entity)
        text = json.dumps(schema, sort_keys=True)
        schema_id = hashlib.sha256(text.encode()).hexdigest()[:22]
        self.schemas[schema_id] = text
        self._sequence += 1
        named = record_ids if change_type != "GAP_OVERFLOW" else []
        header = {
            "entityName": entity,
            "recordIds": named,
            "changeType": change_type,
            "changeOrigin": "com/salesforce/api/rest/62.0",
            "transactionKey": f"0002343d-9d90-e395-{self._sequence:04x}",
            "sequenceNumber": 1,
            "commitTimestamp": int(datetime.now(UTC).timestamp() * 1000),
            "commitNumber": 10_000_000 + self._sequence,
            "commitUser": "005xx000001X8UfAAK",
            "nulledFields": [],
            "diffFields": [],
            "changedFields": [],
        }
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, fastavro.parse_schema(schema), {"ChangeEventHeader": header, "Name": None})
        replay_id = self._sequence.to_bytes(8, "big")
        event = pb.ProducerEvent(id=f"evt-{self._sequence}", schema_id=schema_id, payload=buffer.getvalue())
        self.events.append(Stored(replay_id, entity, named, event))
        self._wake_all()

    def publish_garbage(self, entity: str) -> None:
        """An event whose payload is not Avro of the schema it names."""
        self.publish(entity, "UPDATE", [])
        self.events[-1].event.payload = b"\xff\xfe not avro"

    def forget_all(self) -> None:
        """Every event so far leaves the stream: a replay id among them is refused from now on."""
        self.kept_from = len(self.events)

    def outage(self) -> None:
        """Streams end and new ones are refused (UNAVAILABLE) until `restore`."""
        self.available = False
        self._wake_all()

    def restore(self) -> None:
        self.available = True

    def _wake_all(self) -> None:
        for wake in self._wakes:
            wake.set()

    # ------------------------------------------------------------ the API

    def handler(self) -> grpc.GenericRpcHandler:
        return grpc.method_handlers_generic_handler(
            "eventbus.v1.PubSub",
            {
                "Subscribe": grpc.stream_stream_rpc_method_handler(
                    self._subscribe,
                    request_deserializer=pb.FetchRequest.FromString,
                    response_serializer=pb.FetchResponse.SerializeToString,
                ),
                "GetSchema": grpc.unary_unary_rpc_method_handler(
                    self._get_schema,
                    request_deserializer=pb.SchemaRequest.FromString,
                    response_serializer=pb.SchemaInfo.SerializeToString,
                ),
            },
        )

    async def _authenticate(self, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        metadata = {key: value for key, value in context.invocation_metadata() or ()}
        if metadata.get("accesstoken") not in self.org.tokens or metadata.get("tenantid") != self.org.org_id:
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "Invalid session, tenant or instance URL")
        if metadata.get("instanceurl") != self.org.url:
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "The instance URL is not the org's")

    async def _get_schema(
        self, request: pb.SchemaRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.SchemaInfo:
        await self._authenticate(context)
        if request.schema_id not in self.schemas:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no schema {request.schema_id}")
        return pb.SchemaInfo(schema_json=self.schemas[request.schema_id], schema_id=request.schema_id)

    async def _subscribe(
        self, requests: AsyncIterator[pb.FetchRequest], context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[pb.FetchResponse]:
        await self._authenticate(context)
        if not self.available:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "the service is unavailable")
        first = await anext(requests)
        topic = first.topic_name
        if topic != "/data/ChangeEvents" and not (topic.startswith("/data/") and topic.endswith("ChangeEvent")):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"unknown topic {topic}")
        if first.replay_preset == pb.CUSTOM:
            ids = [s.replay_id for s in self.events[self.kept_from :]]
            if first.replay_id not in ids:
                self.refused_replays += 1
                await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "The Replay ID validation failed")
            position = self.kept_from + ids.index(first.replay_id) + 1
        else:
            position = self.kept_from if first.replay_preset == pb.EARLIEST else len(self.events)
        self.subscriptions += 1
        pending = first.num_requested
        wake = asyncio.Event()
        self._wakes.add(wake)
        self.streams += 1

        async def more() -> None:
            nonlocal pending
            async for request in requests:
                pending += request.num_requested
                wake.set()

        reading = asyncio.create_task(more())
        try:
            while True:
                if not self.available:
                    await context.abort(grpc.StatusCode.UNAVAILABLE, "the stream was closed")
                wanted = [
                    s
                    for s in self.events[position:]
                    if topic == "/data/ChangeEvents" or topic == f"/data/{s.entity}ChangeEvent"
                ]
                if wanted and pending > 0:
                    chunk = wanted[:pending]
                    position = self.events.index(chunk[-1]) + 1
                    pending -= len(chunk)
                    self.delivered += [i for s in chunk for i in s.record_ids]
                    yield pb.FetchResponse(
                        events=[pb.ConsumerEvent(event=s.event, replay_id=s.replay_id) for s in chunk],
                        latest_replay_id=chunk[-1].replay_id,
                        pending_num_requested=pending,
                    )
                    continue
                woken = False
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.keepalive_seconds):
                        woken = await wake.wait()
                wake.clear()
                if not woken:
                    # The subscription's own position: what it has been sent, or where it started.
                    latest = self.events[position - 1].replay_id if position > 0 else b""
                    yield pb.FetchResponse(latest_replay_id=latest, pending_num_requested=pending)
        finally:
            self.streams -= 1
            self._wakes.discard(wake)
            reading.cancel()


@asynccontextmanager
async def running_fake_pubsub(org: FakeSalesforce) -> AsyncIterator[FakePubSub]:
    fake = FakePubSub(org)
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((fake.handler(),))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    fake.target = f"127.0.0.1:{port}"
    org.pubsub = fake
    try:
        yield fake
    finally:
        org.pubsub = None
        await server.stop(grace=None)
