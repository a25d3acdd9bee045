"""Salesforce Change Data Capture through the Pub/Sub API: a gRPC stream of Avro-encoded change events.

grpcio's asyncio API and fastavro, rather than Salesforce's sample clients: those are synchronous, thread-per-stream
examples, not a library, and the service runs every connection on one event loop.

As Salesforce documents it:
- The endpoint is `api.pubsub.salesforce.com:7443` (TLS); each call carries the metadata `accesstoken`,
  `instanceurl` and `tenantid` (the org id), the same session the REST calls use:
  https://developer.salesforce.com/docs/platform/pub-sub-api/guide/supported-auth.html
- `Subscribe` is a bidirectional stream. The first `FetchRequest` names the topic and where to start
  (`replay_preset` LATEST, EARLIEST, or CUSTOM after `replay_id`); every request asks for `num_requested` more
  events (at most 100), and the server keeps the stream alive with empty responses carrying `latest_replay_id`:
  https://developer.salesforce.com/docs/platform/pub-sub-api/references/methods/subscribe-rpc.html and
  https://developer.salesforce.com/docs/platform/pub-sub-api/guide/flow-control.html. Events are kept for 72 hours;
  a replay id older than that, or from another org or topic, is refused:
  https://developer.salesforce.com/docs/platform/pub-sub-api/guide/replay-ids.html
- Each event is Avro binary in the schema its `schema_id` names, read with `GetSchema`:
  https://developer.salesforce.com/docs/platform/pub-sub-api/references/methods/getschema-rpc.html
- Change events arrive on `/data/ChangeEvents` (every object selected for CDC) or `/data/<Object>ChangeEvent`; each
  has a `ChangeEventHeader` with `entityName`, `recordIds`, `changeType` (CREATE, UPDATE, DELETE, UNDELETE, and
  GAP_CREATE, GAP_UPDATE, GAP_DELETE, GAP_UNDELETE, GAP_OVERFLOW when Salesforce could not put the change itself in
  the event) and `commitTimestamp` (milliseconds):
  https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_event_fields_header.htm
  and https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_other_events_gap.htm
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import fastavro
import grpc

from pacer_connectors.adapters.pubsub import eventbus_pb2 as pb
from pacer_connectors.domain.mapping import ChangeDataCapture

BATCH = 100
"""Events asked for at a time: the most a FetchRequest may ask for."""
SERVICE = "/eventbus.v1.PubSub"


@dataclass(frozen=True)
class ChangeEvent:
    entity: str
    record_ids: list[str]
    change_type: str
    committed_at: datetime


@dataclass(frozen=True)
class Batch:
    """What one FetchResponse brought: its change events (none for a keepalive) and the replay id to resume after."""

    events: list[ChangeEvent]
    replay_id: bytes
    unreadable: list[str] = field(default_factory=list)
    """Why each event that could not be read was not: skipped, so one bad event does not stop the stream."""


class EventUnreadable(ValueError):
    """Not a change event in the schema it names (bad Avro, no ChangeEventHeader)."""


class ReplayRefused(Exception):
    """The stored replay id is no longer (or never was) in the stream: subscribe from the tip and catch up."""


class SessionRefused(Exception):
    """UNAUTHENTICATED: the session ended; a new token, then subscribe again."""


Session = Callable[[], Awaitable[tuple[str, str]]]
"""The access token and instance URL of the connection's REST client (the same session serves both APIs)."""


class ChangeEventStream:
    def __init__(self, settings: ChangeDataCapture, org_id: str, session: Session) -> None:
        self._settings = settings
        self._org_id = org_id
        self._session = session
        self._schemas: dict[str, Any] = {}

    def _channel(self) -> grpc.aio.Channel:
        if self._settings.allow_insecure:
            return grpc.aio.insecure_channel(self._settings.pubsub_url)
        return grpc.aio.secure_channel(self._settings.pubsub_url, grpc.ssl_channel_credentials())

    async def subscribe(self, replay_id: bytes | None) -> AsyncIterator[Batch]:
        """Change events from after `replay_id` (from the tip when None), a batch per response, for as long as the
        stream lasts. Raises ReplayRefused, SessionRefused, or grpc.aio.AioRpcError for anything else."""
        token, instance = await self._session()
        metadata = (("accesstoken", token), ("instanceurl", instance), ("tenantid", self._org_id))
        more: asyncio.Queue[pb.FetchRequest] = asyncio.Queue()
        first = pb.FetchRequest(topic_name=self._settings.topic, num_requested=BATCH)
        if replay_id:
            first.replay_preset, first.replay_id = pb.CUSTOM, replay_id
        else:
            first.replay_preset = pb.LATEST
        await more.put(first)

        async def requests() -> AsyncIterator[pb.FetchRequest]:
            while True:
                yield await more.get()

        async with self._channel() as channel:
            subscribe = channel.stream_stream(
                f"{SERVICE}/Subscribe",
                request_serializer=pb.FetchRequest.SerializeToString,
                response_deserializer=pb.FetchResponse.FromString,
            )
            call = subscribe(requests(), metadata=metadata)
            try:
                async for response in call:
                    events: list[ChangeEvent] = []
                    unreadable: list[str] = []
                    for consumed in response.events:
                        try:
                            events.append(await self._decode(channel, metadata, consumed.event))
                        except EventUnreadable as error:
                            unreadable.append(f"event {consumed.event.id}: {error}")
                    if response.pending_num_requested == 0:  # delivered all it was asked for: ask for more
                        await more.put(pb.FetchRequest(num_requested=BATCH))
                    yield Batch(
                        events,
                        response.events[-1].replay_id if response.events else response.latest_replay_id,
                        unreadable,
                    )
            except grpc.aio.AioRpcError as error:
                if error.code() == grpc.StatusCode.UNAUTHENTICATED:
                    raise SessionRefused(error.details() or "UNAUTHENTICATED") from None
                if replay_id and error.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND):
                    raise ReplayRefused(error.details() or str(error.code())) from None
                raise
            finally:
                call.cancel()

    async def _decode(
        self, channel: grpc.aio.Channel, metadata: tuple[tuple[str, str], ...], event: pb.ProducerEvent
    ) -> ChangeEvent:
        schema = self._schemas.get(event.schema_id)
        if schema is None:
            get_schema = channel.unary_unary(
                f"{SERVICE}/GetSchema",
                request_serializer=pb.SchemaRequest.SerializeToString,
                response_deserializer=pb.SchemaInfo.FromString,
            )
            info = await get_schema(pb.SchemaRequest(schema_id=event.schema_id), metadata=metadata)
            schema = self._schemas[event.schema_id] = fastavro.parse_schema(json.loads(info.schema_json))
        try:
            body: Any = fastavro.schemaless_reader(io.BytesIO(event.payload), schema)
            header = body["ChangeEventHeader"]
            return ChangeEvent(
                str(header["entityName"]),
                [str(i) for i in header["recordIds"]],
                str(header["changeType"]),
                datetime.fromtimestamp(int(header["commitTimestamp"]) / 1000, UTC),
            )
        except (ValueError, KeyError, TypeError, EOFError, IndexError) as error:
            raise EventUnreadable(f"not a change event in schema {event.schema_id}: {error!r}") from None
