"""The registry of check kinds: every kind is implemented once, declares the parameters its rules may
set and the scopes its rules may have, and is looked up by name (as Vale's extension points).

A rule's scope says in which stage it runs:

- ``scene``: reads each scene on its own (the drafter can guard one scene with it); run by
  ``review_application`` — it may also look at the application's own texts;
- ``application``: needs the whole application (its basic information, or its scenes together);
  run by ``review_application``;
- ``batch``: across the applications of one batch; run by ``batch_findings``;
- ``model-judged``: a category the model judges in ``review --llm``; all of them go to the model in
  one request (``review/llm_pass.py``), so their kind has no code here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

from assistant.review.params import JudgementParams, NoParams

Scope = Literal["scene", "application", "batch", "model-judged"]
SCOPES: tuple[Scope, ...] = get_args(Scope)
# What review_application runs; batch and model-judged rules each have a stage of their own.
APPLICATION_SCOPES: tuple[Scope, ...] = ("scene", "application")


@dataclass(frozen=True)
class Kind:
    name: str
    params: type[NoParams]
    scopes: tuple[Scope, ...]
    run: Callable | None = None  # (rule, context) -> findings; None: the model applies the rule


KINDS: dict[str, Kind] = {}


def check(kind: str, takes: type[NoParams] = NoParams, scopes: tuple[Scope, ...] = ("scene",)):
    """Register a check kind, the parameters its rules may set and the scopes they may have."""

    def register(fn):
        KINDS[kind] = Kind(kind, takes, scopes, fn)
        return fn

    return register


KINDS["judgement"] = Kind("judgement", JudgementParams, ("model-judged",))
