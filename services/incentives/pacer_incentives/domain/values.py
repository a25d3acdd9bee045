"""Company values: what kudos and awards can say a person lived, named in both languages the platform speaks."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field


class CompanyValue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value_id: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$", examples=["customer-first"])
    en: str = Field(min_length=1, max_length=120, description="The value's name in English")
    zh_cn: str = Field(min_length=1, max_length=120, alias="zh-CN", description="The value's name in Chinese")

    def names(self) -> dict[str, str]:
        """Locale -> name, as notifications pick a template's language."""
        return {"en": self.en, "zh-CN": self.zh_cn}


DEFAULT_VALUES = (
    CompanyValue.model_validate({"value_id": "customer-first", "en": "Customer first", "zh-CN": "客户第一"}),
    CompanyValue.model_validate({"value_id": "integrity", "en": "Integrity", "zh-CN": "诚信"}),
    CompanyValue.model_validate({"value_id": "teamwork", "en": "Teamwork", "zh-CN": "团队合作"}),
    CompanyValue.model_validate({"value_id": "ownership", "en": "Ownership", "zh-CN": "担当"}),
    CompanyValue.model_validate({"value_id": "growth", "en": "Keep growing", "zh-CN": "持续成长"}),
)


def unique(values: Sequence[CompanyValue]) -> Sequence[CompanyValue]:
    """The configured values, refused at start when two share an id (a kudos could not say which it meant)."""
    ids = [v.value_id for v in values]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ValueError(f"company values configured twice: {', '.join(twice)}")
    return values
