"""``ask``: offline passages, online grounded answers through the scripted server, the fixed no-answer reply."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.knowledge.answer import NO_ANSWER, ask, keep_cited_sentences
from assistant.knowledge.retriever import KnowledgeBase
from testkit.scripted_server import Reply, ScriptedServer


@pytest.fixture(scope="module")
def kb_dir(shipped_index: Path) -> Path:
    return shipped_index


def test_offline_ask_returns_cited_passages(kb_dir: Path) -> None:
    settings = Settings(data_dir=kb_dir)
    answer = ask(KnowledgeBase(settings), settings, "智能制造能力成熟度要达到几级？")
    assert not answer.online and answer.hits
    assert "二级及以上" in answer.text and "出处：附件1" in answer.text


def test_nothing_relevant_gives_the_fixed_reply_without_calling_the_model(kb_dir: Path) -> None:
    with ScriptedServer() as server:
        settings = Settings(data_dir=kb_dir, openai_base_url=server.base_url, llm_model="m")
        answer = ask(KnowledgeBase(settings), settings, "红烧肉怎么做才好吃")
        assert answer.text == NO_ANSWER and server.requests == []


def test_online_answer_keeps_only_cited_sentences(kb_dir: Path) -> None:
    reply = "成熟度需达到二级及以上[1]。我觉得三级更稳妥。需在c3mep平台自评估[1]。"
    with ScriptedServer() as server:
        server.script(Reply(reply))
        settings = Settings(data_dir=kb_dir, openai_base_url=server.base_url, llm_model="m")
        answer = ask(KnowledgeBase(settings), settings, "智能制造能力成熟度要达到几级？")
        assert answer.online
        assert answer.text == "成熟度需达到二级及以上[1]。需在c3mep平台自评估[1]。"
        assert answer.dropped_sentences == ["我觉得三级更稳妥。"]
        prompt = server.requests[0]["messages"][1]["content"]
        assert "[1] 出处：" in prompt and "二级及以上" in prompt


def test_unverified_scene_names_in_an_online_answer_get_their_mark(kb_dir: Path) -> None:
    reply = "外观缺陷在线检测属于在线智能检测[1]。与机器人配合的工位属于人机协同作业[1]。已标注的质量精准追溯（未核实）不重复标注[1]。"
    with ScriptedServer() as server:
        server.script(Reply(reply))
        settings = Settings(data_dir=kb_dir, openai_base_url=server.base_url, llm_model="m")
        answer = ask(KnowledgeBase(settings), settings, "机器视觉在线检测外观缺陷算哪个场景？")
    assert answer.online and answer.hits
    assert "在线智能检测（未核实）[1]。" in answer.text
    assert "人机协同作业[1]。" in answer.text  # verified in the notice's own example: no mark
    assert answer.text.count("质量精准追溯（未核实）") == 1 and "（未核实）（未核实）" not in answer.text


def test_model_saying_no_basis_gives_the_fixed_reply(kb_dir: Path) -> None:
    with ScriptedServer() as server:
        server.script(Reply(NO_ANSWER))
        settings = Settings(data_dir=kb_dir, openai_base_url=server.base_url, llm_model="m")
        assert ask(KnowledgeBase(settings), settings, "成熟度评估在哪个平台做").text == NO_ANSWER


def test_citation_markers_must_point_at_given_passages() -> None:
    text, dropped = keep_cited_sentences("甲[1]。乙[7]。丙。", n_passages=2)
    assert text == "甲[1]。" and dropped == ["乙[7]。", "丙。"]


def test_map_cli_json_has_the_documented_keys(kb_dir: Path) -> None:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(kb_dir)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "map",
            "仓库上了堆垛机立体库，出入库扫码",
            "--top",
            "3",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data) == 3
    assert {"domain", "link", "scene", "score", "citation"} <= set(data[0])
    assert data[0]["link"] == "仓储物流"


def test_map_search_and_ask_take_text_starting_with_a_dash_and_many_lines_from_a_file(
    kb_dir: Path, tmp_path: Path
) -> None:
    # This checkout's code, not whichever copy is installed in the environment.
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(kb_dir), "PYTHONPATH": str(Path(__file__).parents[1])}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "assistant.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    dashed = run("map", "- 仓库上了堆垛机立体库，出入库扫码", "--top", "1", "--json")
    assert dashed.returncode == 0, dashed.stderr
    assert json.loads(dashed.stdout)[0]["link"] == "仓储物流"
    for command in ("search", "ask"):
        result = run(command, "-成熟度要达到几级", "--json")
        assert result.returncode == 0, result.stderr

    lines = tmp_path / "多条.txt"
    lines.write_text(
        "仓库上了堆垛机立体库，出入库扫码\n\n倉庫導入自動化立體倉儲，出入庫全自動\n設備全部聯網，手機上能看開動率\n",
        "utf-8",
    )
    many = run("map", "--file", str(lines), "--top", "2", "--json")
    assert many.returncode == 0, many.stderr
    data = json.loads(many.stdout)
    assert [d["candidates"][0]["link"] for d in data] == ["仓储物流", "仓储物流", "设备管理"]
    assert all({"text", "margin", "close"} <= set(d) for d in data)
    assert data[1]["candidates"][0]["matched"]  # traditional script matched simplified words
