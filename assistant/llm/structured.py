"""One structured call to the model: a pydantic model is the contract, whoever asks.

``ask_structured`` renders the response model's shape and field descriptions into the prompt
(the template's ``{reply_format}``), asks in JSON mode (plain text when the endpoint refuses JSON
mode with a 400), reads the reply tolerantly, validates it with the model and the caller's own
checks, and sends what failed back as precise corrections a bounded number of times. It returns
the typed value with every attempt and its usage, or raises ``StructuredError`` carrying the
attempts and the last reply the schema accepted — the caller decides whether that is still usable.

Drafting, the review pass (``review --llm``) and the judge all ask through here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from assistant.config import Settings
from assistant.errors import LLMError
from assistant.llm import cache
from assistant.llm.client import LLMReply, chat
from assistant.llm.json_reply import parse_reply
from assistant.llm.schema_text import corrections, reply_format
from assistant.prompts import Prompt, load_prompt

T = TypeVar("T", bound=BaseModel)
# A caller's own check of a reply the schema accepted: the problems, each a correction the model
# can act on; an empty list accepts the reply.
Validator = Callable[[Any], list[str]]
Stage = Literal["json", "schema", "check", "ok"]

MAX_REPAIRS = 2
REPAIR_PROMPT = "repair_reply"
NOT_JSON = "回复不是约定格式的 JSON 对象，请只输出 JSON。"


@dataclass
class Reading(Generic[T]):
    """One reply read against the contract: where it stopped and why."""

    stage: Stage  # not JSON, outside the schema, refused by a caller's check, or accepted
    problems: list[str] = field(default_factory=list)
    value: T | None = None  # set whenever the schema accepted the reply


def read_reply(
    text: str,
    model: type[T],
    validators: Sequence[Validator] = (),
    context: Mapping[str, Any] | None = None,
) -> Reading[T]:
    try:
        data = parse_reply(text)
    except LLMError:
        return Reading("json", [NOT_JSON])
    try:
        value = model.model_validate(data, context=dict(context) if context is not None else None)
    except ValidationError as err:
        return Reading("schema", corrections(err))
    # The same figure written twice is one correction, not two: the model is asked once.
    problems = list(dict.fromkeys(p for check in validators for p in check(value)))
    return Reading("check" if problems else "ok", problems, value)


@dataclass
class Attempt:
    text: str
    stage: Stage
    problems: list[str]
    calls: int = 1  # requests made: 0 from the cache, 2 when JSON mode was refused and asked again
    prompt_tokens: int = 0
    completion_tokens: int = 0
    partial: bool = False  # the reply was cut midway; what arrived was kept

    @property
    def cached(self) -> bool:
        return self.calls == 0


@dataclass
class Usage:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    partial: bool = False

    @classmethod
    def of(cls, attempts: Sequence[Attempt]) -> Usage:
        spent = [a for a in attempts if not a.cached]  # a cached reply cost nothing this time
        return cls(
            calls=sum(a.calls for a in spent),
            prompt_tokens=sum(a.prompt_tokens for a in spent),
            completion_tokens=sum(a.completion_tokens for a in spent),
            partial=any(a.partial for a in attempts),
        )


@dataclass
class Structured(Generic[T]):
    value: T
    attempts: list[Attempt]

    @property
    def usage(self) -> Usage:
        return Usage.of(self.attempts)

    @property
    def cached(self) -> bool:
        return all(a.cached for a in self.attempts)

    @property
    def partial(self) -> bool:
        return self.usage.partial


class StructuredError(LLMError):
    """Every attempt failed the contract; ``value`` is the last reply the schema accepted, if any."""

    def __init__(self, attempts: list[Attempt], value: BaseModel | None) -> None:
        last = attempts[-1]
        what = {
            "json": "不是可解析的 JSON 对象",
            "schema": f"不符合约定的 JSON 格式（{last.problems[0] if last.problems else ''}）",
            "check": f"未通过检查（{last.problems[0] if last.problems else ''}）",
        }.get(last.stage, "")
        said = f"模型回复{len(attempts)}次仍" if len(attempts) > 1 else "模型的回复"
        super().__init__(f"{said}{what}，请重试或换用其他模型")
        self.attempts = attempts
        self.value = value

    @property
    def stage(self) -> Stage:
        return self.attempts[-1].stage

    @property
    def usage(self) -> Usage:
        return Usage.of(self.attempts)


@dataclass(frozen=True)
class CachePolicy:
    """Answer the first request from the on-disk cache (``assistant/llm/cache.py``) when it was made before."""

    version: str  # what decides the reply besides the text: the prompt id, or prompt+rubric versions
    run: int = 0
    use: bool = True


@dataclass
class _Endpoint:
    settings: Settings
    system: str
    on_token: Callable[[str], None] | None
    json_mode: bool = True

    def send(self, request: str, history: list[tuple[str, str]]) -> tuple[LLMReply, int]:
        """The reply and the requests it took; JSON mode is dropped for good once refused."""
        try:
            reply = chat(
                self.settings,
                self.system,
                request,
                json_mode=self.json_mode,
                on_token=self.on_token,
                history=history,
            )
            return reply, 1
        except LLMError as err:
            if not (self.json_mode and err.status == 400):
                raise
        self.json_mode = False  # the model has no JSON mode: ask in plain text, the reading is tolerant
        return chat(self.settings, self.system, request, on_token=self.on_token, history=history), 2


def ask_structured(
    settings: Settings,
    prompt: Prompt,
    response_model: type[T],
    *,
    variables: Mapping[str, str] | None = None,
    validators: Sequence[Validator] = (),
    max_repairs: int = MAX_REPAIRS,
    on_token: Callable[[str], None] | None = None,
    repair_prompt: Prompt | None = None,
    cache_policy: CachePolicy | None = None,
    context: Mapping[str, Any] | None = None,
) -> Structured[T]:
    """``prompt`` rendered with ``variables`` and the reply format, asked until the reply passes.

    Raises ``StructuredError`` when ``max_repairs`` corrections did not give a passing reply, and
    ``LLMError`` when the endpoint itself fails.
    """
    system, user = prompt.render(**(variables or {}), reply_format=reply_format(response_model))
    repair = repair_prompt or load_prompt(REPAIR_PROMPT)
    endpoint = _Endpoint(settings, system, on_token)
    attempts: list[Attempt] = []
    accepted: T | None = None
    history: list[tuple[str, str]] = []
    request = user
    for n in range(max_repairs + 1):
        reply, calls = _first(endpoint, cache_policy, user) if n == 0 else endpoint.send(request, history)
        reading = read_reply(reply.text, response_model, validators, context)
        attempts.append(
            Attempt(
                reply.text,
                reading.stage,
                reading.problems,
                calls,
                reply.prompt_tokens,
                reply.completion_tokens,
                reply.partial,
            )
        )
        accepted = reading.value if reading.value is not None else accepted
        if reading.stage == "ok":
            return Structured(reading.value, attempts)  # type: ignore[arg-type]
        if n == max_repairs:
            break
        history += [("user", request), ("assistant", reply.text)]
        request = repair.render(problems="\n".join(f"- {p}" for p in reading.problems))[1]
    raise StructuredError(attempts, accepted)


def _first(endpoint: _Endpoint, policy: CachePolicy | None, user: str) -> tuple[LLMReply, int]:
    if policy is None:
        return endpoint.send(user, [])
    settings = endpoint.settings
    key = cache.cache_key(settings, policy.version, endpoint.system, user, run=policy.run)
    stored = cache.lookup(settings, key) if policy.use else None
    if stored is not None:
        return stored, 0
    reply, calls = endpoint.send(user, [])
    if policy.use:
        cache.store(settings, key, policy.version, policy.run, reply)  # valid or not: a re-run sees the same
    return reply, calls
