"""A minimal service built on the shared library, used to prove its guarantees.

It tallies SalesActivityRecorded quantities per assistant (a non-idempotent `$inc`,
so a double-applied event shows), records notes through the outbox, and runs a background
loop that an admin can break (`POST /v1/probe/break`).
`python -m pacer_testkit.probe write-and-die NOTE` commits a note and its event, then
SIGKILLs itself before any relay could publish.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, ClassVar

from fastapi import APIRouter, Depends, FastAPI, Request
from pydantic import BaseModel, Field

from pacer_shared import topics
from pacer_shared.auth import Principal, Role, require
from pacer_shared.clock import SystemClock
from pacer_shared.consumer import RejectedEvent, Subscription
from pacer_shared.events import Event
from pacer_shared.events.incentives import RecognitionGranted
from pacer_shared.events.sales import SalesActivityRecorded
from pacer_shared.mongo import Session, create_client
from pacer_shared.outbox import Outbox
from pacer_shared.problems import Conflict
from pacer_shared.service import BackgroundLoop, Runtime, ServiceSpec, create_app, serve
from pacer_shared.settings import ServiceSettings
from pacer_shared.topics import TopicNames
from pacer_shared.unit_of_work import UnitOfWork


class ProbeSettings(ServiceSettings):
    service_name: ClassVar[str] = "probe"


class NoteIn(BaseModel):
    note_id: str = Field(min_length=1)
    person_id: str = Field(min_length=1)
    abort: bool = False


router = APIRouter(prefix="/v1/probe", tags=["probe"])


def note_event(note: NoteIn) -> RecognitionGranted:
    return RecognitionGranted(person_id=note.person_id, recognition_id=note.note_id, kind="kudos", name="probe")


async def write_note(uow: UnitOfWork, note: NoteIn) -> None:
    async def work(session: Session) -> None:
        await uow.db["notes"].insert_one({"_id": note.note_id}, session=session)
        uow.publish(session, note_event(note))
        if note.abort:
            raise Conflict("aborted on request")

    await uow.run(work)


@router.post("/notes", status_code=201, summary="Write a note and its event in one transaction")
async def post_note(
    note: NoteIn, request: Request, _: Annotated[Principal, Depends(require(Role.ADMIN))]
) -> dict[str, str]:
    runtime: Runtime = request.app.state.runtime
    await write_note(runtime.uow, note)
    return {"note_id": note.note_id}


def tally(runtime: Runtime) -> Subscription[SalesActivityRecorded]:
    tallies = runtime.db["tallies"]

    async def apply(events: Sequence[Event[SalesActivityRecorded]], session: Session) -> None:
        for event in events:
            activity = event.data
            if activity.kind == "refused":
                raise RejectedEvent(event.id, "the probe refuses kind 'refused'")
            if activity.kind == "explodes":
                raise RuntimeError("the probe's handler broke")
            await tallies.update_one(
                {"_id": activity.assistant_id},
                {"$inc": {"quantity": float(activity.quantity), "events": 1}, "$push": {"ids": event.id}},
                upsert=True,
                session=session,
            )

    return Subscription(
        name="tally",
        topics=[topics.SALES_ACTIVITY],
        handle=apply,
        event_types=(SalesActivityRecorded,),
    )


@dataclass
class Probe:
    runtime: Runtime
    breaking: asyncio.Event = field(default_factory=asyncio.Event)


@router.post("/break", status_code=202, summary="Make the probe's background loop fail")
async def post_break(request: Request, _: Annotated[Principal, Depends(require(Role.ADMIN))]) -> None:
    probe: Probe = request.app.state.context
    probe.breaking.set()


def background(probe: Probe) -> list[BackgroundLoop]:
    async def chores() -> None:
        await probe.breaking.wait()
        raise RuntimeError("the probe's chores broke")

    return [chores]


def build(settings: ProbeSettings | None = None) -> FastAPI:
    return create_app(
        ServiceSpec(
            settings=settings or ProbeSettings(),
            title="Pacer probe",
            description="Test service for the shared library",
            routers=[router],
            publishes=[topics.INCENTIVES_EVENTS],
            context=Probe,
            subscriptions=lambda probe: [tally(probe.runtime)],
            background=background,
        )
    )


async def write_and_die(note_id: str, person_id: str) -> None:
    settings = ProbeSettings()
    client = create_client(settings.mongo_url, "probe-crash")
    db = client[settings.mongo_database]
    outbox = Outbox(db, TopicNames(settings.topic_prefix), "/pacer/probe", SystemClock())
    await write_note(UnitOfWork(db, outbox), NoteIn(note_id=note_id, person_id=person_id))
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    if sys.argv[1:2] == ["write-and-die"]:
        asyncio.run(write_and_die(sys.argv[2], sys.argv[3]))
    serve(build, ProbeSettings())
