"""The writer's per-part state beside a draft: what the writer typed is protected, a redraft that would
change it waits as a proposal, and the last change to every part can be undone.

Kept on the Project (a pydantic field), so it is stored by whatever store saves projects.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.models import PART_KEYS, Scene


class PartState(BaseModel):
    edited: bool = Field(False, description="写作者亲手改过：重新起草只给建议，不覆盖")
    previous: str | None = Field(None, description="上一次改动之前的文字，供撤销")
    previous_edited: bool = Field(False, description="那段文字是否出自写作者")
    proposal: str | None = Field(None, description="重新起草给出的新文字，等写作者采用或放弃")


class SectionState(BaseModel):
    """An application text's drafting state (企业简介, 项目简述, 总体情况, 实施成效): the text the drafter
    last wrote into the box — a box still holding it may be redrafted; one that differs is the writer's."""

    machine: str = Field("", description="起草最近一次写入本框的文字")
    proposal: str | None = Field(None, description="重新起草给出的新文字，等写作者采用或放弃")
    rejected: str | None = Field(None, description="写作者放弃过的起草文字：同样的文字不再建议")
    questions: list[str] = Field(default_factory=list, description="起草时发现材料缺少、需企业补充的信息")


class Candidate(BaseModel):
    """A scene candidate as the page shows it: where it sits and why it matched."""

    domain: str
    link: str
    scene: str
    score: float = 0.0
    verified: bool = False
    matched: list[str] = Field(default_factory=list, description="材料中命中的词")

    @property
    def label(self) -> str:
        mark = "" if self.verified else "（未核实）"
        return f"{self.domain} › {self.link} › {self.scene}{mark}"


class TurnUndo(BaseModel):
    """What one chat turn replaced, so “撤销上一步” puts it back."""

    taken_as: str
    material: str
    past_material: str = ""
    draft: Scene | None = None
    parts: dict[str, PartState] = Field(default_factory=dict)
    candidates: list[Candidate] = Field(default_factory=list)
    instance: str = ""
    scenes: list[Scene] = Field(default_factory=list)
    placed_title: str = ""


class Workspace(BaseModel):
    parts: dict[str, PartState] = Field(default_factory=lambda: {k: PartState() for k in PART_KEYS})
    candidates: list[Candidate] = Field(default_factory=list)
    undo: TurnUndo | None = None
    instance: str = Field("", description="写作者给定的场景实例名称：重新起草时沿用")
    placed_title: str = Field("", description="草稿放入申报书时的标题：改场景时据此找到并移动那一节")
    sections: dict[str, SectionState] = Field(default_factory=dict, description="申报书各章节的起草状态")

    def part(self, key: str) -> PartState:
        return self.parts.setdefault(key, PartState())

    def section(self, key: str) -> SectionState:
        return self.sections.setdefault(key, SectionState())


def writer_edit(draft: Scene, ws: Workspace, key: str, text: str) -> bool:
    """The writer typed ``text`` into a part. Returns whether anything changed. The first edit after
    a machine change keeps the machine text for undo; later keystrokes extend the same edit."""
    current = draft.parts.get(key)
    if current == text:
        return False
    state = ws.part(key)
    if not state.edited:
        state.previous, state.previous_edited = current, False
    state.edited = True
    setattr(draft.parts, key, text)
    return True


def machine_change(draft: Scene, ws: Workspace, key: str, text: str) -> str:
    """The assistant wants ``text`` in a part: applied when the writer has not edited it, otherwise kept
    as a proposal beside the writer's text. Returns "applied", "proposed" or "same"."""
    current = draft.parts.get(key)
    state = ws.part(key)
    if current == text or (current.strip() and not text.strip()):
        return "same"  # the assistant never empties a part that says something
    if state.edited and current.strip():
        if not text.strip():  # nothing to offer in place of the writer's text
            return "same"
        state.proposal = text
        return "proposed"
    state.previous, state.previous_edited = current, state.edited
    state.proposal = None
    setattr(draft.parts, key, text)
    return "applied"


def accept_proposal(draft: Scene, ws: Workspace, key: str) -> bool:
    state = ws.part(key)
    if state.proposal is None:
        return False
    state.previous, state.previous_edited = draft.parts.get(key), state.edited
    setattr(draft.parts, key, state.proposal)
    # The writer chose this text: it is theirs now, and protected like anything they typed.
    state.proposal, state.edited = None, True
    return True


def reject_proposal(ws: Workspace, key: str) -> bool:
    state = ws.part(key)
    had = state.proposal is not None
    state.proposal = None
    return had


def undo_part(draft: Scene, ws: Workspace, key: str) -> bool:
    """Back to the text before the last change; undoing again redoes (the two swap)."""
    state = ws.part(key)
    if state.previous is None:
        return False
    current, current_edited = draft.parts.get(key), state.edited
    setattr(draft.parts, key, state.previous)
    state.edited = state.previous_edited
    state.previous, state.previous_edited = current, current_edited
    return True
