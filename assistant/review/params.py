"""The parameters each check kind takes, typed: a rule file with an unknown or misspelt key fails to
load with its file, line and the allowed keys (as Vale decodes a rule into its kind's struct).
Defaults live here and nowhere else."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from assistant.models import PartKey, SectionKey, Severity


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RequiredPartsParams(NoParams):
    sections: list[SectionKey] = []  # application texts that must not be empty, besides the five parts
    extras_severity: Severity | None = None  # a bonus item written partly: this severity instead


class LengthParams(NoParams):
    near_severity: Severity = Severity.warning  # at or above the requirements' near-limit ratio
    near_message: str = ""
    near_suggestion: str = ""


class MetricParams(NoParams):
    section: PartKey
    accept_kinds: list[str] | None = None  # quantity kinds that count; None: any figure or change
    return_words: list[str] = []  # a figure within `window` characters after one of these counts too
    window: int = 14


class SupplierParams(NoParams):
    section: PartKey = "技术方案"
    org_suffixes: list[str] = []
    short_org_suffixes: list[str] = []
    not_names: list[str] = []
    vendors: list[str] = []
    self_built: list[str] = []


class LeftoverParams(NoParams):
    phrases: list[str] | None = None  # None: the template's own leftovers from requirements.yaml
    patterns: list[
        str
    ] = []  # regular expressions, for residue no phrase list can name (a chat's time stamps)


class DuplicateParams(NoParams):
    similarity: float = 0.85


class MaturityParams(NoParams):
    other_severity: Severity = Severity.warning
    other_message: str = ""


class FinanceParams(NoParams):
    blank_values: list[str] = []


class MentionParams(NoParams):
    terms: list[str] = []


class JudgementParams(NoParams):
    """A model-judged category: what the model is told to look for, and where it may report it."""

    description: str
    sections: list[PartKey]
