"""Projects in the database: concurrent edits never lost, stale saves refused with both texts, a chat
turn merged without reverting an edit made meanwhile, part history, SIGKILL mid-write, migration."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from assistant.models import Scene, SceneParts
from assistant.paths import ROOT
from assistant.projects import HISTORY_KEPT, ChatMessage, Project, ProjectStore, StaleProject, part_id

TRIALS = 100


def drafted(store: ProjectStore) -> Project:
    project = store.create("并发项目")
    return store.update(
        project.id,
        lambda p: setattr(
            p, "draft", Scene(domain="生产作业", link="质量管控", scene="在线智能检测", parts=SceneParts())
        ),
    )


def together(*calls):
    """Run the calls in threads released at the same instant; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_tabs_editing_different_parts_lose_nothing(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "data", "writer")
    project = drafted(store)
    losses = 0
    for trial in range(TRIALS):
        base = store.load(project.id).part_versions
        edits = [(key, f"{key}{trial}", base.get(f"draft/{key}", 0)) for key in ("成效", "痛点")]
        a, b = together(*(lambda e=e: store.save_part(project.id, None, *e) for e in edits))
        assert a.saved and b.saved
        parts = store.load(project.id).draft.parts
        losses += (parts.成效 != f"成效{trial}") + (parts.痛点 != f"痛点{trial}")
    assert losses == 0


def test_two_tabs_on_the_same_part_the_stale_one_is_refused_with_both_texts(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "data", "writer")
    project = drafted(store)
    silent_overwrites = 0
    for trial in range(TRIALS):
        base = store.load(project.id).part_versions.get("draft/成效", 0)
        texts = (f"甲{trial}", f"乙{trial}")
        results = together(
            *(lambda t=t, v=base: store.save_part(project.id, None, "成效", t, v) for t in texts)
        )
        saved = [r for r in results if r.saved]
        refused = [r for r in results if not r.saved]
        assert len(saved) == 1 and len(refused) == 1
        stored = store.load(project.id).draft.parts.成效
        silent_overwrites += stored != saved[0].yours
        assert refused[0].current == stored and refused[0].yours in texts and refused[0].yours != stored
    assert silent_overwrites == 0


def test_a_chat_turn_keeps_an_edit_made_while_it_ran(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "data", "writer")
    project = drafted(store)
    turn = store.load(project.id)
    before = turn.model_copy(deep=True)
    # The writer edits 成效 while the (slow) turn is running …
    assert store.save_part(project.id, None, "成效", "OEE由65%提升至82%", None).saved
    # … and the turn, from its stale copy, adds to the chat and the material and rewrites 技术方案.
    turn.chat += [
        ChatMessage(role="user", content="补充技术方案"),
        ChatMessage(role="assistant", content="已改"),
    ]
    turn.material += "\n\n新材料"
    turn.draft.parts.技术方案 = "部署MES与机器视觉"
    turn.draft.parts.成效 = "模型改写的成效"  # the writer's edit of the same part must win
    stored = store.merge(project.id, before, turn)
    assert stored.draft.parts.成效 == "OEE由65%提升至82%"
    assert stored.draft.parts.技术方案 == "部署MES与机器视觉"
    assert [m.content for m in stored.chat] == ["补充技术方案", "已改"] and stored.material.endswith("新材料")


def test_a_whole_project_save_from_a_stale_copy_is_refused(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "data", "writer")
    project = drafted(store)
    old = store.load(project.id)
    store.save_part(project.id, None, "描述", "新描述", None)
    old.name = "改名"
    with pytest.raises(StaleProject):
        store.save(old)
    assert store.load(project.id).draft.parts.描述 == "新描述"


def test_update_is_an_atomic_read_modify_write(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "data", "writer")
    project = store.create("计数")

    def add_many(who: str) -> None:
        for i in range(25):
            store.update(
                project.id, lambda p, i=i: p.chat.append(ChatMessage(role="user", content=f"{who}{i}"))
            )

    together(*(lambda w=w: add_many(w) for w in "甲乙丙丁"))
    assert len(store.load(project.id).chat) == 100


def test_each_part_keeps_its_last_versions_for_undo(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "data", "writer")
    project = drafted(store)
    for i in range(1, 26):
        assert store.save_part(project.id, None, "成效", f"第{i}稿", None).version == i
    history = store.history(project.id, None, "成效")
    assert len(history) == HISTORY_KEPT
    assert [text for _, text, _ in history[:3]] == ["第25稿", "第24稿", "第23稿"]
    assert store.load(project.id).part_versions[part_id(None, "成效")] == 25
    assert ProjectStore(tmp_path / "data", "other").list() == []


def test_project_files_of_earlier_releases_are_imported_once_and_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    written = {}
    for user, pid in (("alice", "0123456789ab"), ("bob", "ba9876543210")):
        old = Project(
            id=pid,
            name=f"{user} 的旧项目",
            user=user,
            material="材料原文",
            draft=Scene(
                domain="生产作业", link="质量管控", scene="在线智能检测", parts=SceneParts(成效="OEE 82%")
            ),
            chat=[ChatMessage(role="user", content="你好")],
            updated_at=1.0,
        ).model_dump(exclude={"version", "part_versions"})
        path = data / "projects" / user / pid / "project.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
        written[user] = (pid, path)
    (data / "projects" / "bob" / "ffffffffffff").mkdir()
    (data / "projects" / "bob" / "ffffffffffff" / "project.json").write_text("{torn", encoding="utf-8")
    alice = ProjectStore(data, "alice")
    loaded = alice.load(written["alice"][0])
    assert loaded.name == "alice 的旧项目" and loaded.draft.parts.成效 == "OEE 82%"
    assert loaded.material == "材料原文" and loaded.chat[0].content == "你好"
    assert [pid for pid, _, _ in ProjectStore(data, "bob").list()] == [written["bob"][0]]
    assert all(path.exists() for _, path in written.values())  # nothing deleted
    from assistant.project_db import engine_for
    from assistant.projects import migrate_files

    assert migrate_files(engine_for(f"sqlite:///{(data / 'projects.sqlite3').resolve()}")[0], data) == 0


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from assistant.projects import ProjectStore

    store = ProjectStore(Path(sys.argv[1]), "writer")
    pid = sys.argv[2]
    n = 0
    while True:
        n += 1
        result = store.save_part(pid, None, "技术方案", f"第{n}稿" + "申报书" * 100_000, None)
        store.update(pid, lambda p: setattr(p, "material", f"材料{n}" + "字" * 200_000))
        print(f"saved {n}", flush=True)
    """
)


def test_sigkill_during_writes_leaves_the_last_saved_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    project = drafted(ProjectStore(data, "writer"))
    for kills in range(3):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(data), project.id], stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        last = 0
        assert child.stdout is not None
        for line in child.stdout:
            last = int(line.split()[1])
            if last >= 3 + kills:
                break
        child.send_signal(signal.SIGKILL)  # most likely inside the next write
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        with sqlite3.connect(data / "projects.sqlite3") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = ProjectStore(data, "writer").load(project.id)
        n = int(stored.draft.parts.技术方案.split("稿")[0].removeprefix("第"))
        assert n >= last  # every write the child reported is there, the next one whole or absent
        assert stored.material.startswith("材料") and stored.material.endswith("字" * 10)


# ---- the app's handlers use them ---------------------------------------------------------------------------------


class _Request:
    username = None


def _handlers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import gradio as gr

    from app import build_app
    from assistant.config import Settings

    warnings: list[str] = []
    monkeypatch.setattr(gr, "Warning", lambda message, *a, **k: warnings.append(message))
    settings = Settings(data_dir=tmp_path / "data")
    demo = build_app(settings)
    fns = {f.api_name: f.fn for f in demo.fns.values()}
    return fns, ProjectStore(settings.data_dir), warnings


def test_the_part_editor_refuses_a_stale_tab_and_shows_both_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fns, store, warnings = _handlers(tmp_path, monkeypatch)
    project = drafted(store)

    def edit(project_id: str, text: str, versions: dict, request) -> dict:
        import gradio as gr

        out = fns["edit_成效"](project_id, text, versions, request)
        return next(v for k, v in out.items() if isinstance(k, gr.State))  # the versions this tab saw

    # Both tabs show the project (filling the box is a no-op that records the version seen).
    shown = store.load(project.id).draft.parts.成效
    tab_a = edit(project.id, shown, {}, _Request())
    tab_b = edit(project.id, shown, {}, _Request())
    tab_a = edit(project.id, "甲的成效 <img src=x>", tab_a, _Request())
    assert not warnings
    tab_b = edit(project.id, "乙的成效", tab_b, _Request())
    assert store.load(project.id).draft.parts.成效 == "甲的成效 <img src=x>"  # nothing overwritten
    assert warnings and "乙的成效" in warnings[0] and "甲的成效 &lt;img" in warnings[0]
    edit(project.id, "乙的成效", tab_b, _Request())  # again, knowing both texts: now it is saved
    assert store.load(project.id).draft.parts.成效 == "乙的成效"
    assert [t for _, t, _ in store.history(project.id, None, "成效")] == ["乙的成效", "甲的成效 <img src=x>"]


def test_a_section_box_refuses_a_stale_tab_and_shows_both_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fns, store, warnings = _handlers(tmp_path, monkeypatch)
    project = store.create("两个标签页改项目简述")

    def edit(text: str, versions: dict) -> dict:
        import gradio as gr

        out = fns["edit_section_项目简述"](project.id, text, versions, _Request())
        return next(v for k, v in out.items() if isinstance(k, gr.State))

    tab_a, tab_b = edit("", {}), edit("", {})  # both tabs show the empty box
    tab_a = edit("甲写的项目简述。", tab_a)
    tab_b = edit("乙写的项目简述。", tab_b)
    assert store.load(project.id).application.project_summary == "甲写的项目简述。"
    assert warnings and "甲写的项目简述" in warnings[0] and "乙写的项目简述" in warnings[0]
    edit("乙写的项目简述。", tab_b)  # again, knowing both texts: now it is saved
    assert store.load(project.id).application.project_summary == "乙写的项目简述。"
    edit("丙", edit("乙写的项目简述。", {}))  # a tab that saw the newest text saves without a warning
    assert len(warnings) == 1 and store.load(project.id).application.project_summary == "丙"


def test_an_edit_made_during_a_chat_turn_survives_the_turn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from assistant.paths import EVALS_DIR

    fns, store, _ = _handlers(tmp_path, monkeypatch)
    project = drafted(store)
    material = (EVALS_DIR / "drafting" / "sets" / "d03" / "material.md").read_text(encoding="utf-8")
    turn = fns["send"](project.id, {"text": material, "files": []}, _Request())
    next(turn)  # the turn has started (and saved the writer's message) …
    store.save_part(project.id, None, "经济性", "人工写的经济性", None)  # … the writer edits meanwhile
    for _ in turn:  # … the turn drafts all five parts and ends
        pass
    stored = store.load(project.id)
    assert stored.draft.parts.经济性 == "人工写的经济性"
    assert stored.chat[-1].role == "assistant" and "已起草" in stored.chat[-1].content


def test_typing_one_passage_is_one_undo_step_not_one_per_keystroke(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "data", "writer")
    project = drafted(store)
    text = ""
    for ch in "OEE由65%提升至82%":
        text += ch
        store.save_part(project.id, None, "成效", text, None)
    store.save_part(project.id, None, "成效", "另写一段：不良率下降40%", None)  # not a continuation
    history = store.history(project.id, None, "成效")
    assert [t for _, t, _ in history] == ["另写一段：不良率下降40%", "OEE由65%提升至82%"]
    assert history[0][0] == len("OEE由65%提升至82%") + 1  # versions still count every save
