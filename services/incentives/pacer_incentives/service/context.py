"""The incentives service's use-case context and the collections it owns."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo import ASCENDING, DESCENDING, IndexModel

from pacer_incentives.domain.recognition import RecognitionRules
from pacer_incentives.settings import IncentivesSettings
from pacer_shared.mongo import Database, IndexPlan
from pacer_shared.service import Runtime

INPUTS = "inputs"
"""The input log: every goal, review, training and feedback event the ledger and recognition rely on."""
PLANS = "plans"
PERIODS = "periods"
STATEMENTS = "statements"
RECOGNITIONS = "recognitions"
KUDOS_BUDGETS = "kudos_budgets"
PROMOTIONS = "promotions"
IGNORED = "ignored_events"
DEACTIVATIONS = "deactivations"
CURSORS = "cursors"

INDEXES: IndexPlan = {
    INPUTS: [
        IndexModel([("subject", ASCENDING), ("period_end", ASCENDING)], name="by_subject_period"),
        IndexModel([("goal_id", ASCENDING)], sparse=True, name="by_goal"),
        IndexModel([("type", ASCENDING), ("time", ASCENDING)], name="by_type_time"),
    ],
    PLANS: [IndexModel([("plan_id", ASCENDING), ("version", DESCENDING)], unique=True, name="by_version")],
    PERIODS: [IndexModel([("status", ASCENDING), ("period_end", ASCENDING)], name="open_by_end")],
    STATEMENTS: [
        IndexModel([("person_id", ASCENDING), ("period_start", DESCENDING)], name="by_person"),
        IndexModel([("team_id", ASCENDING), ("period_start", DESCENDING)], name="by_team"),
        IndexModel([("dirty", ASCENDING)], sparse=True, name="to_recheck"),
    ],
    RECOGNITIONS: [
        IndexModel([("team_id", ASCENDING), ("granted_at", DESCENDING)], name="by_team"),
        IndexModel([("person_id", ASCENDING), ("granted_at", DESCENDING)], name="by_person"),
    ],
    DEACTIVATIONS: [IndexModel([("person_id", ASCENDING), ("at", ASCENDING)], name="by_person")],
}


@dataclass
class Incentives:
    runtime: Runtime
    settings: IncentivesSettings
    rules: RecognitionRules

    @classmethod
    def of(cls, runtime: Runtime) -> Incentives:
        assert isinstance(runtime.settings, IncentivesSettings)
        return cls(runtime, runtime.settings, RecognitionRules.load(runtime.settings.recognition_file))

    @property
    def db(self) -> Database:
        return self.runtime.db
