"""Role profiles: hr saves versions; anyone signed in reads them; a template can take its criteria from one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pacer_reviews.domain.role_profiles import BUILT_IN, RoleProfileIn, even_weights
from pacer_reviews.domain.templates import TemplateIn
from pacer_reviews.service import cycles
from pacer_reviews.service.context import Reviews
from pacer_shared.events.reviews import RoleProfileSaved
from pacer_shared.mongo import Document, Session
from pacer_shared.problems import Conflict, NotFound, Unprocessable

SAVE_ATTEMPTS = 5
FIELDS = ("name", "title", "role", "duties")


def built_in(name: str) -> Document | None:
    """Version 1 of a profile that ships with Pacer, as a stored version would read."""
    profile = BUILT_IN.get(name)
    if profile is None:
        return None
    return {"_id": f"{name}:v1", "version": 1, "created_by": "pacer", "created_at": None, **profile.model_dump()}


async def latest(reviews: Reviews, name: str) -> Document | None:
    return await reviews.role_profiles.latest(name) or built_in(name)


async def save(reviews: Reviews, profile: RoleProfileIn, by: str) -> Document:
    """The next version of the named profile; the versions before it stay as they were."""
    for _ in range(SAVE_ATTEMPTS):
        before = await latest(reviews, profile.name)
        version = before["version"] + 1 if before else 1
        document = {
            "_id": f"{profile.name}:v{version}",
            "version": version,
            "created_by": by,
            "created_at": reviews.runtime.clock.now(),
            **profile.model_dump(mode="json"),
        }
        saved = RoleProfileSaved(
            profile_id=document["_id"],
            profile_name=profile.name,
            profile_version=version,
            role=profile.role.value,
            duty_keys=[d.key for d in profile.duties],
            saved_by=by,
        )

        async def work(session: Session, document: Document = document, saved: RoleProfileSaved = saved) -> bool:
            if not await reviews.role_profiles.add(document, session):
                return False
            reviews.runtime.uow.publish(session, saved)
            return True

        if await reviews.runtime.uow.run(work):
            return document
    raise Conflict(
        f"role profile {profile.name!r} is being changed by others right now; try again", code="changed_meanwhile"
    )


async def get(reviews: Reviews, profile_id: str) -> Document:
    found = await reviews.role_profiles.get(profile_id)
    if found is None:
        name, _, version = profile_id.rpartition(":v")
        found = built_in(name) if version == "1" else None
    if found is None:
        raise NotFound(f"no role profile {profile_id}")
    return found


async def newest(reviews: Reviews) -> list[Document]:
    """The latest version of every profile, the built-in ones included until hr saves a version of their own."""
    stored = {p["name"]: p for p in await reviews.role_profiles.newest_of_each()}
    shipped = {name: doc for name in BUILT_IN if name not in stored and (doc := built_in(name)) is not None}
    return sorted([*stored.values(), *shipped.values()], key=lambda p: p["name"])


async def for_role(reviews: Reviews, role: str) -> Document | None:
    """The profile a person in this roster role is evaluated against: the one hr saved last for the role, else the
    built-in one; None when no profile describes the role."""
    found = await reviews.role_profiles.newest_for_role(role)
    if found is None:
        found = next((doc for name, p in BUILT_IN.items() if p.role == role and (doc := built_in(name))), None)
    return found


def profile_of(document: Document) -> RoleProfileIn:
    return RoleProfileIn.model_validate({k: document[k] for k in FIELDS})


async def template_from(
    reviews: Reviews,
    profile_id: str,
    template: dict[str, Any],
    duty_weights: dict[str, Decimal] | None,
    by: str,
) -> Document:
    """A template version whose criteria are the profile version's duties, one each, weighted as given or evenly
    over what goal attainment and customer ratings leave of 100."""
    document = await get(reviews, profile_id)
    duties = profile_of(document).duties
    keys = [d.key for d in duties]
    if duty_weights is None:
        left = Decimal(100) - template["goal_weight"] - template["customer_rating_weight"]
        if left <= 0:
            raise Unprocessable("goal_weight: goal attainment and customer ratings leave no weight for the duties")
        duty_weights = even_weights(keys, left)
    elif sorted(duty_weights) != sorted(keys):
        raise Unprocessable(f"duty_weights: give a weight for each duty of {profile_id}: {', '.join(keys)}")
    criteria = [{"key": d.key, "name": d.name, "weight": duty_weights[d.key]} for d in duties]
    form = TemplateIn.model_validate({**template, "criteria": criteria, "role_profile_id": document["_id"]})
    return await cycles.save_template(reviews, form, by)
