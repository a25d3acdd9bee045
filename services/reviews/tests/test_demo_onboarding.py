"""The demo story's onboarding step against the real reviews service: hr's onboarding programme, then a newcomer in
the roster, enrolled by herself; run twice, as `make run` is, it changes nothing the second time."""

from __future__ import annotations

from datetime import UTC, datetime

from reviews_support import ReviewsWorld
from story import Story

from pacer_shared.auth import Role
from pacer_shared.events.people import PersonUpserted
from pacer_testkit.stack import eventually


async def test_the_demo_gives_its_newcomer_the_onboarding_programme(world: ReviewsWorld) -> None:
    async def arrive(person: PersonUpserted) -> None:
        await world.publish(person)

    now = datetime.now(UTC)
    story = Story({"reviews": str(world.http.base_url)}, now, now, 5, arrive=arrive)
    try:
        await story._onboarding()
        await story._onboarding()
    finally:
        await story.close()
    assert [what for _, what in story.happened] == [
        "hr set up the onboarding programme (two courses, one after the other)",
        "Nia joined team north: the onboarding programme is assigned to her by itself",
        "Nia joined team north: the onboarding programme is assigned to her by itself",
    ], "the programme is set up once; the second run finds it"

    async def enrolled() -> list[dict[str, object]] | None:
        answer = await world.get("/v1/training/enrolments?person_id=nia", "hana", Role.HR)
        return answer.json() if answer.status_code == 200 and answer.json() else None

    (nia,) = await eventually(enrolled, timeout=60, what="Nia enrolled in the onboarding programme")
    assert (nia["title"], nia["onboarding"]) == ("Onboarding: the first two weeks", True)
    assert [c["status"] for c in nia["courses"]] == ["due", "upcoming"]  # type: ignore[index]
