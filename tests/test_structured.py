"""ask_structured: one contract for every JSON call, through the real client path and the scripted server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Literal

import pytest
import yaml
from pydantic import BaseModel, Field

from assistant.config import Settings
from assistant.drafting.reply import scene_reply_model
from assistant.errors import LLMError
from assistant.llm.schema_text import reply_format
from assistant.llm.structured import NOT_JSON, CachePolicy, StructuredError, ask_structured
from assistant.prompts import Prompt, load_prompt
from assistant.requirements import load_requirements
from testkit.scripted_server import Reply, ScriptedServer


class Verdict(BaseModel):
    grade: Literal["A", "B", "C", "D"] = Field(description="等级：A 最好，D 最差")
    reasons: list[str] = Field(min_length=1, description="决定等级的理由，每条一句")


PROMPT = Prompt(
    name="test_grade",
    version="1",
    variables=("topic", "reply_format"),
    system="你给{topic}评定等级。\n回复格式：{reply_format}",
    user="请评定：{topic}",
)
GOOD = json.dumps({"grade": "B", "reasons": ["数据具体"]}, ensure_ascii=False)


@pytest.fixture
def server():
    with ScriptedServer() as srv:
        yield srv


def settings_for(server: ScriptedServer) -> Settings:
    return Settings(openai_base_url=server.base_url, llm_model="scripted", llm_timeout=5, llm_max_retries=0)


def ask(server: ScriptedServer, **options) -> object:
    return ask_structured(settings_for(server), PROMPT, Verdict, variables={"topic": "场景一"}, **options)


def last_user(server: ScriptedServer, n: int) -> str:
    return server.requests[n]["messages"][-1]["content"]


def test_a_valid_first_reply_is_one_call_in_json_mode_with_the_schema_in_the_prompt(
    server: ScriptedServer,
) -> None:
    server.script(Reply(GOOD))
    got = ask(server)
    assert got.value == Verdict(grade="B", reasons=["数据具体"])
    assert [a.stage for a in got.attempts] == ["ok"] and got.usage.calls == 1
    assert got.usage.prompt_tokens > 0 and got.usage.completion_tokens > 0 and not got.usage.partial
    sent = server.requests[0]
    assert sent["response_format"] == {"type": "json_object"}
    system = sent["messages"][0]["content"]
    assert "grade（A、B、C、D 之一）：等级：A 最好，D 最差" in system
    assert "reasons（字符串数组，至少1项）：决定等级的理由，每条一句" in system
    assert '{"grade": "A/B/C/D", "reasons": ["…"]}' in system


def test_a_reply_that_is_not_json_is_sent_back_then_the_valid_one_is_taken(server: ScriptedServer) -> None:
    server.script(Reply("我认为是B级。"), Reply(f"```json\n{GOOD}\n```"))
    got = ask(server)
    assert got.value.grade == "B" and [a.stage for a in got.attempts] == ["json", "ok"]
    assert got.usage.calls == 2
    roles = [m["role"] for m in server.requests[1]["messages"]]
    assert roles == ["system", "user", "assistant", "user"]
    assert server.requests[1]["messages"][2]["content"] == "我认为是B级。"  # the model sees what it said
    assert NOT_JSON in last_user(server, 1)


def test_a_schema_violation_is_corrected_by_naming_the_field(server: ScriptedServer) -> None:
    server.script(Reply('{"grade": "A+", "reasons": []}'), Reply(GOOD))
    got = ask(server)
    assert [a.stage for a in got.attempts] == ["schema", "ok"]
    feedback = last_user(server, 1)
    assert "字段 grade：只能取 'A', 'B', 'C' 或 'D'（收到 \"A+\"）" in feedback
    assert "字段 reasons：至少需要 1 项" in feedback
    assert got.attempts[0].problems == [line.removeprefix("- ") for line in feedback.splitlines()[1:3]]


def test_a_callers_check_is_sent_back_as_its_own_words(server: ScriptedServer) -> None:
    def no_a_without_three_reasons(v: Verdict) -> list[str]:
        return ["评为 A 时至少给出三条理由"] if v.grade == "A" and len(v.reasons) < 3 else []

    server.script(Reply('{"grade": "A", "reasons": ["好"]}'), Reply(GOOD))
    got = ask(server, validators=[no_a_without_three_reasons])
    assert [a.stage for a in got.attempts] == ["check", "ok"] and got.value.grade == "B"
    assert "- 评为 A 时至少给出三条理由" in last_user(server, 1)


def test_exhausted_repairs_raise_a_typed_failure_with_every_attempt(server: ScriptedServer) -> None:
    server.script(Reply('{"grade": "A", "reasons": ["好"]}'), Reply("不是JSON"), Reply('{"grade": "S"}'))
    with pytest.raises(StructuredError) as caught:
        ask(server, validators=[lambda v: ["总是不行"]], max_repairs=2)
    err = caught.value
    assert [a.stage for a in err.attempts] == ["check", "json", "schema"]
    assert [a.text for a in err.attempts][1] == "不是JSON"
    assert err.usage.calls == 3 == len(server.requests)
    assert err.value == Verdict(grade="A", reasons=["好"])  # the last reply the schema accepted
    assert isinstance(err, LLMError) and "回复3次仍不符合约定" in str(err) and "grade" in str(err)


def test_no_repairs_means_exactly_one_request(server: ScriptedServer) -> None:
    server.script(Reply("无法评定"))
    with pytest.raises(StructuredError) as caught:
        ask(server, max_repairs=0)
    assert caught.value.stage == "json" and caught.value.value is None and len(server.requests) == 1


def test_a_400_on_json_mode_is_asked_again_in_plain_text_for_good(server: ScriptedServer) -> None:
    server.script("no_tools", Reply("好的"), Reply(GOOD))
    got = ask(server)
    assert got.value.grade == "B" and got.usage.calls == 3 and [a.calls for a in got.attempts] == [2, 1]
    assert server.requests[0]["response_format"] == {"type": "json_object"}
    assert "response_format" not in server.requests[1] and "response_format" not in server.requests[2]


def test_an_endpoint_failure_is_an_llm_error_not_a_bad_reply(server: ScriptedServer) -> None:
    server.script("500")
    with pytest.raises(LLMError, match="HTTP 500") as caught:
        ask(server)
    assert not isinstance(caught.value, StructuredError)


def test_the_first_reply_is_cached_when_asked_and_replayed_without_a_request(server: ScriptedServer) -> None:
    server.script(Reply(GOOD))
    first = ask(server, cache_policy=CachePolicy("test_grade@v1"))
    again = ask(server, cache_policy=CachePolicy("test_grade@v1"))
    assert len(server.requests) == 1 and again.cached and not first.cached
    assert again.value == first.value and again.usage.calls == 0


def test_the_drafting_contract_takes_each_part_limit_from_the_requirements() -> None:
    text = reply_format(scene_reply_model())
    for spec in load_requirements().parts:
        assert f"  - {spec.key}（字符串）：{spec.label}，不超过{spec.limit}字。依据：{spec.clause}" in text
    assert "{reply_format}" in load_prompt("draft_scene").system
    assert '"parts": {"描述": "…"' in text and "cannot_draft（true/false）" in text


def test_the_judges_contract_lists_the_rubrics_criteria_from_the_rubric_file() -> None:
    from assistant.judge import JudgeVerdict, load_rubric

    text = reply_format(JudgeVerdict)
    for criterion in load_rubric().criteria:
        assert f"  - {criterion.id}（整数，0–2）：{criterion.name}" in text
        assert f'"{criterion.id}": 0' in text


def test_a_recorded_reply_of_a_capable_model_replays_through_ask_structured(
    tmp_path: Path, shipped_index: Path
) -> None:
    """The drafting call, over the real client path, answered by the recorded model (evals/README.md):
    one first request, a typed draft, no fallback and nothing left pending."""
    from assistant.drafting.material import load_materials
    from assistant.drafting.service import draft_scene
    from assistant.paths import EVALS_DIR
    from evals.cassettes import CASSETTE_DIR, CassetteServer

    folder = tmp_path / "cassettes"
    shutil.copytree(CASSETTE_DIR, folder)
    case = EVALS_DIR / "drafting" / "sets" / "d20"
    gold = yaml.safe_load((case / "facts.yaml").read_text(encoding="utf-8"))
    material = load_materials(sorted(case.glob("material*")))
    with CassetteServer(folder) as server:
        settings = Settings(
            data_dir=shipped_index, openai_base_url=server.base_url, llm_model="recorded", llm_max_retries=0
        )
        result = draft_scene(
            material, settings, domain=gold["domain"], link=gold["link"], scene=gold["scene"]
        )
    assert server.misses == [] and server.hits >= 1
    assert result.mode == "online" and not result.fell_back
    assert result.scene.instance == gold["instance_name"]
    assert gold["investment_total"] in result.scene.parts.经济性
