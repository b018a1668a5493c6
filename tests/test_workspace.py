"""Per-part protection: what the writer typed is never overwritten by the assistant; a redraft waits
as a proposal; the last change to any part can be undone (and undoing twice redoes)."""

from __future__ import annotations

from assistant.models import Scene, SceneParts
from assistant.workspace import (
    Workspace,
    accept_proposal,
    machine_change,
    reject_proposal,
    undo_part,
    writer_edit,
)


def draft() -> Scene:
    return Scene(
        domain="生产作业", link="质量管控", scene="在线智能检测", parts=SceneParts(痛点="助手初稿。")
    )


def test_an_unedited_part_takes_the_redraft_and_can_go_back() -> None:
    d, ws = draft(), Workspace()
    assert machine_change(d, ws, "痛点", "助手二稿。") == "applied"
    assert d.parts.痛点 == "助手二稿。" and undo_part(d, ws, "痛点") and d.parts.痛点 == "助手初稿。"
    assert undo_part(d, ws, "痛点") and d.parts.痛点 == "助手二稿。"  # undo again = redo


def test_an_edited_part_gets_a_proposal_and_the_writer_decides() -> None:
    d, ws = draft(), Workspace()
    assert writer_edit(d, ws, "痛点", "我的")
    assert writer_edit(d, ws, "痛点", "我的痛点。")  # keystrokes extend one edit: undo goes to the draft
    assert machine_change(d, ws, "痛点", "助手二稿。") == "proposed"
    assert d.parts.痛点 == "我的痛点。" and ws.part("痛点").proposal == "助手二稿。"
    assert reject_proposal(ws, "痛点") and ws.part("痛点").proposal is None and d.parts.痛点 == "我的痛点。"
    machine_change(d, ws, "痛点", "助手三稿。")
    assert accept_proposal(d, ws, "痛点") and d.parts.痛点 == "助手三稿。" and ws.part("痛点").edited
    assert undo_part(d, ws, "痛点") and d.parts.痛点 == "我的痛点。" and ws.part("痛点").edited
    assert machine_change(d, ws, "痛点", "") == "same"  # an empty redraft offers nothing


def test_undoing_the_writers_edit_returns_the_machine_text_unprotected() -> None:
    d, ws = draft(), Workspace()
    writer_edit(d, ws, "痛点", "我的痛点。")
    assert undo_part(d, ws, "痛点") and d.parts.痛点 == "助手初稿。" and not ws.part("痛点").edited
