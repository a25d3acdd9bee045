"""What the incentives use cases need: the shared runtime, the settings, the recognition rules and the repositories."""

from __future__ import annotations

from dataclasses import dataclass

from pacer_incentives.adapters.repository import (
    ActingLeads,
    Cursors,
    Deactivations,
    IgnoredEvents,
    Inputs,
    KudosBudgets,
    Periods,
    Plans,
    Promotions,
    Recognitions,
    Roster,
    Statements,
)
from pacer_incentives.domain.recognition import RecognitionRules
from pacer_incentives.settings import IncentivesSettings
from pacer_shared.service import Runtime


@dataclass
class Incentives:
    runtime: Runtime
    settings: IncentivesSettings
    rules: RecognitionRules
    statements: Statements
    recognitions: Recognitions
    promotions: Promotions
    ignored: IgnoredEvents
    inputs: Inputs
    deactivations: Deactivations
    plans: Plans
    periods: Periods
    cursors: Cursors
    kudos_budgets: KudosBudgets
    roster: Roster
    acting_leads: ActingLeads

    @classmethod
    def of(cls, runtime: Runtime) -> Incentives:
        assert isinstance(runtime.settings, IncentivesSettings)
        db = runtime.db
        return cls(
            runtime,
            runtime.settings,
            RecognitionRules.load(runtime.settings.recognition_file),
            Statements(db),
            Recognitions(db),
            Promotions(db),
            IgnoredEvents(db),
            Inputs(db),
            Deactivations(db),
            Plans(db),
            Periods(db),
            Cursors(db),
            KudosBudgets(db),
            Roster(db),
            ActingLeads(db),
        )
