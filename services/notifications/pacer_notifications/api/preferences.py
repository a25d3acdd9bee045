"""Per-person preferences: channels in order, opt-outs per event type, quiet hours and digests."""

from __future__ import annotations

from fastapi import APIRouter

from pacer_notifications.api.deps import NotificationsDep
from pacer_notifications.api.models import PreferenceOptions
from pacer_notifications.domain.preferences import Preferences
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal, Principal, Role
from pacer_shared.problems import Forbidden, Unprocessable

router = APIRouter(tags=["preferences"], responses=RESPONSES)


def _ensure_own(principal: Principal, person_id: str) -> None:
    if principal.subject != person_id and not principal.has(Role.HR, Role.ADMIN):
        raise Forbidden("people manage their own preferences (hr and admins can help)")


# Beside, not under, /v1/preferences: under it, the person whose id is "options" could never read their own.
@router.get("/v1/preference-options", summary="The channels and notification types a person can choose from here")
async def options(notifications: NotificationsDep, _: CurrentPrincipal) -> PreferenceOptions:
    mandatory = notifications.settings.mandatory_event_types
    return PreferenceOptions(
        channels=notifications.settings.personal_channels(),
        optional_types=[t for t in notifications.rules.root if t not in mandatory],
        mandatory_types=list(mandatory),
    )


@router.get("/v1/preferences/{person_id}", summary="A person's notification preferences (defaults when never set)")
async def get_preferences(person_id: str, notifications: NotificationsDep, principal: CurrentPrincipal) -> Preferences:
    _ensure_own(principal, person_id)
    return await notifications.repository.preferences_of(person_id)


@router.put("/v1/preferences/{person_id}", summary="Replace a person's notification preferences")
async def put_preferences(
    person_id: str, body: Preferences, notifications: NotificationsDep, principal: CurrentPrincipal, audit: AuditDep
) -> Preferences:
    _ensure_own(principal, person_id)
    mandatory = set(notifications.settings.mandatory_event_types)
    if refused := sorted(mandatory & set(body.disabled)):
        raise Unprocessable(f"disabled: {', '.join(refused)} cannot be turned off (mandatory)")
    await notifications.repository.save_preferences(person_id, body)
    if person_id != principal.subject:
        await audit.record("preferences.changed_for_someone", f"person/{person_id}/preferences")
    return body
