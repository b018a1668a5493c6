"""Writers' projects in a database (see ``project_db``): nothing a user typed is ever lost.

A project holds the application being written, the raw material gathered so far, the scene being
drafted, which parts the writer has confirmed, and the chat. Each project carries a version, and
each part of each scene its own: a save based on a stale version is refused (the caller shows both
texts), never applied over someone else's edit. Handlers that run long (a chat turn) re-read the
project and apply only what they produced (:meth:`ProjectStore.merge`); any other change goes
through :meth:`ProjectStore.update`, a read-modify-write inside one transaction. The last versions
of every part are kept for undo. One user's projects are invisible to another; exports live under
``<data_dir>/projects/<user>/``. Project files of earlier releases are imported on first start.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy import delete, func, insert, select, update

from assistant import project_db as db
from assistant.errors import InputError
from assistant.models import PART_KEYS, Application, Scene
from assistant.workspace import Workspace

logger = logging.getLogger(__name__)
HISTORY_KEPT = 20  # versions of each part kept for undo
HISTORY_BURST_SECONDS = 10.0  # keystrokes continuing one passage within this time are one undo step

_SAFE = re.compile(r"[^\w\u4e00-\u9fff-]+")


def safe_name(name: str, fallback: str = "未命名") -> str:
    """A file-system-safe name: no separators, no dots at the start, no traversal."""
    cleaned = _SAFE.sub("_", name).strip("._ ")[:60]
    return cleaned or fallback


class ChatMessage(BaseModel):
    role: str
    content: str


class Project(BaseModel):
    id: str
    name: str
    user: str = "local"
    application: Application = Field(default_factory=Application)
    material: str = Field("", description="本场景的材料（对话中粘贴与上传的）")
    past_material: str = Field("", description="已写完的场景的材料：起草企业简介与二、四时仍要用")
    scene_materials: dict[str, str] = Field(
        default_factory=dict, description="已放入申报书的场景各自的材料（按标题）：改写该场景时载回"
    )
    draft: Scene | None = None
    confirmed: dict[str, bool] = Field(default_factory=dict)  # part key → the writer accepted it
    chat: list[ChatMessage] = Field(default_factory=list)
    # Per-part protection, proposals, undo and scene candidates: the writer's workspace (issue 12).
    workspace: Workspace = Field(default_factory=Workspace)
    updated_at: float = 0.0
    version: int = 0  # the stored version this copy was read at; a save from an older one is refused
    part_versions: dict[str, int] = Field(default_factory=dict)  # "draft/成效" → version of that part

    def start_next_scene(self) -> None:
        """Leave the placed draft in the application and begin the next scene with its own material:
        the chat's next material must not be merged into, nor rename, the scene just placed. The
        sections' drafting state is the application's, so it stays."""
        self._put_away_material()
        self.material, self.draft = "", None
        self.confirmed = {}
        self.workspace = Workspace(sections=self.workspace.sections)

    def _put_away_material(self) -> None:
        if self.workspace.placed_title and self.material:
            self.scene_materials[self.workspace.placed_title] = self.material
        self.past_material = f"{self.past_material}\n\n{self.material}".strip()

    def reopen_scene(self, index: int) -> None:
        """Load a placed scene back for rewriting with the material it was drafted from, so the next
        chat message adds to that material instead of redrafting the scene from the message alone. A
        scene placed before its material was kept has its parts protected as the writer's: a redraft
        then only proposes."""
        scene = self.application.scenes[index]
        if self.draft is not None or self.material:
            self._put_away_material()
        material = self.scene_materials.get(scene.title, "")
        if material:
            self.past_material = self.past_material.replace(material, "").strip()
        self.material, self.draft = material, scene.model_copy(deep=True)
        self.confirmed = {}
        self.workspace = Workspace(sections=self.workspace.sections, placed_title=scene.title)
        if not material:
            for key in PART_KEYS:
                if self.draft.parts.get(key):
                    self.workspace.part(key).edited = True

    @property
    def draft_unplaced(self) -> bool:
        """The scene draft has text the application does not: never placed, or changed since."""
        draft, title = self.draft, self.workspace.placed_title
        if draft is None or not any(draft.parts.get(k) for k in PART_KEYS):
            return False
        placed = next((s for s in self.application.scenes if title and s.title == title), None)
        return placed is None or placed.parts != draft.parts or placed.title != draft.title

    @property
    def all_material(self) -> str:
        return f"{self.past_material}\n\n{self.material}".strip()

    def parts_by_slot(self) -> dict[str, str]:
        """Every part's text, keyed "draft/<key>" and "scene-<i>/<key>", and every application text,
        keyed "section/<key>": each is versioned, so a stale tab's edit of it is refused."""
        out: dict[str, str] = {}
        scenes = [("draft", self.draft)] + [(f"scene-{i}", s) for i, s in enumerate(self.application.scenes)]
        for slot, scene in scenes:
            if scene is not None:
                for key in PART_KEYS:
                    out[f"{slot}/{key}"] = scene.parts.get(key)
        for key, text in self.application.section_texts().items():
            out[section_id(key)] = text
        return out

    def scene_at(self, scene_index: int | None) -> Scene | None:
        """The draft (``None``) or the application's scene ``scene_index``."""
        if scene_index is None:
            return self.draft
        scenes = self.application.scenes
        return scenes[scene_index] if 0 <= scene_index < len(scenes) else None


def part_id(scene_index: int | None, key: str) -> str:
    return f"{'draft' if scene_index is None else f'scene-{scene_index}'}/{key}"


def section_id(key: str) -> str:
    return f"section/{key}"


class StaleProject(InputError):
    """The project changed since this copy was read; saving it would undo someone's change."""

    def __init__(self) -> None:
        super().__init__(
            "项目已在别处（另一个标签页或对话）修改过，本次保存未执行以免覆盖：请重新选择项目后再改"
        )


@dataclass
class PartSave:
    """The outcome of :meth:`ProjectStore.save_part`: saved at ``version``, or refused because the
    part moved on — then ``current`` is the stored text and ``yours`` the one not saved."""

    saved: bool
    version: int
    current: str
    yours: str


def user_folder(user: str) -> str:
    """A folder name for a user: the name itself when safe, else a safe form plus a hash of the
    original, so two users whose names clean to the same text ("张 三", "张_三") never share one."""
    cleaned = safe_name(user, "local")
    if cleaned == user:
        return cleaned
    return f"{cleaned}-{hashlib.sha256(user.encode('utf-8')).hexdigest()[:10]}"


class ProjectStore:
    def __init__(self, data_dir: Path, user: str = "local", database_url: str | None = None) -> None:
        self.user = user_folder(user)
        self.data_dir = data_dir
        self.root = data_dir / "projects" / self.user  # exports (and the project files of old releases)
        url = database_url or _configured_url() or db.default_url(data_dir)
        self.engine, first = db.engine_for(url)
        if first:
            migrate_files(self.engine, data_dir)

    # ---- reading ---------------------------------------------------------------------------------------------

    @staticmethod
    def _check_id(project_id: str) -> None:
        if not isinstance(project_id, str) or not re.fullmatch(r"[0-9a-f]{12}", project_id):
            raise InputError("项目编号无效")

    def _read(self, conn, project_id: str, *, lock: bool = False) -> Project:
        self._check_id(project_id)
        query = select(db.projects.c.body, db.projects.c.version).where(
            db.projects.c.id == project_id, db.projects.c.owner == self.user
        )
        if lock and conn.dialect.name != "sqlite":  # SQLite's BEGIN IMMEDIATE already holds the lock
            query = query.with_for_update()
        row = conn.execute(query).first()
        if row is None:
            raise InputError("找不到该项目（可能已被删除，或属于其他用户）")
        try:
            project = Project.model_validate_json(row.body)
        except ValueError as err:
            raise InputError(f"项目数据已损坏：{err}") from err
        project.version = row.version
        return project

    def load(self, project_id: str) -> Project:
        with self.engine.connect() as conn:
            return self._read(conn, project_id)

    def list(self) -> list[tuple[str, str, float]]:
        """(id, name, updated_at), most recent first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(db.projects.c.id, db.projects.c.name, db.projects.c.updated_at)
                .where(db.projects.c.owner == self.user)
                .order_by(db.projects.c.updated_at.desc())
            ).all()
        return [(r.id, r.name, r.updated_at) for r in rows]

    def history(self, project_id: str, scene_index: int | None, key: str) -> list[tuple[int, str, float]]:
        """(version, text, saved_at) of one part, newest first: the last ``HISTORY_KEPT`` versions."""
        self.load(project_id)  # the owner check
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(db.part_history.c.version, db.part_history.c.text, db.part_history.c.saved_at)
                .where(
                    db.part_history.c.project_id == project_id,
                    db.part_history.c.part == part_id(scene_index, key),
                )
                .order_by(db.part_history.c.version.desc())
            ).all()
        return [(r.version, r.text, r.saved_at) for r in rows]

    # ---- writing ---------------------------------------------------------------------------------------------

    def _write(self, conn, old: Project | None, new: Project) -> None:
        """Store ``new`` over ``old`` (read in this transaction): bump the project's version and the
        version of every part whose text changed, and keep those texts in the history."""
        now = time.time()
        before = old.parts_by_slot() if old else {}
        history = []
        for part, text in new.parts_by_slot().items():
            if before.get(part, "") != text:
                version = new.part_versions.get(part, 0) + 1
                new.part_versions[part] = version
                history.append(
                    {"project_id": new.id, "part": part, "version": version, "text": text, "saved_at": now}
                )
        new.version = (old.version if old else 0) + 1
        new.updated_at = now
        values = {
            "name": new.name,
            "version": new.version,
            "updated_at": now,
            "body": new.model_dump_json(),
        }
        if old is None:
            conn.execute(insert(db.projects).values(id=new.id, owner=self.user, **values))
        else:
            conn.execute(update(db.projects).where(db.projects.c.id == new.id).values(**values))
        for row in history:
            _record_history(conn, row)

    def _insert(self, project: Project) -> Project:
        with self.engine.begin() as conn:
            self._write(conn, None, project)
        return project

    def create(self, name: str) -> Project:
        return self._insert(
            Project(id=uuid.uuid4().hex[:12], name=name.strip() or "未命名项目", user=self.user)
        )

    def save(self, project: Project) -> None:
        """Store the whole project — only if nobody saved it since this copy was read
        (:class:`StaleProject` otherwise). Prefer :meth:`update`, :meth:`merge` or :meth:`save_part`."""
        if project.user != self.user:
            raise InputError("不能保存其他用户的项目")
        with self.engine.begin() as conn:
            current = self._read(conn, project.id, lock=True)
            if current.version != project.version:
                raise StaleProject()
            self._write(conn, current, project)

    def update(self, project_id: str, change: Callable[[Project], object]) -> Project:
        """Read the current project, let ``change`` modify it, store it — all in one transaction, so
        nothing another writer saved meanwhile is undone. Returns the stored project."""
        with self.engine.begin() as conn:
            current = self._read(conn, project_id, lock=True)
            project = current.model_copy(deep=True)
            change(project)
            project.id, project.user = current.id, current.user
            self._write(conn, current, project)
        return project

    def save_part(
        self, project_id: str, scene_index: int | None, key: str, text: str, base_version: int | None
    ) -> PartSave:
        """Write one part of the draft (``scene_index`` None) or of a scene, if it is still at
        ``base_version`` (None: whatever it is now). A changed text un-confirms the part."""
        if key not in PART_KEYS:
            raise InputError(f"没有名为“{key}”的部分")
        part = part_id(scene_index, key)
        outcome: PartSave | None = None

        def change(project: Project) -> None:
            nonlocal outcome
            scene = project.scene_at(scene_index)
            if scene is None:
                raise InputError("该场景已不存在（可能已被删除或替换）：请重新选择项目")
            version = project.part_versions.get(part, 0)
            current = scene.parts.get(key)  # type: ignore[arg-type]
            if base_version is not None and base_version != version and current != text:
                outcome = PartSave(False, version, current, text)
                return
            if current != text:
                setattr(scene.parts, key, text)
                if scene_index is None:
                    project.confirmed[key] = False
            outcome = PartSave(True, version, text, text)

        stored = self.update(project_id, change)
        assert outcome is not None
        if outcome.saved:
            outcome.version = stored.part_versions.get(part, 0)
        return outcome

    def merge(self, project_id: str, before: Project, after: Project) -> Project:
        """Apply to the current project only what changed from ``before`` to ``after`` — what a long
        handler (a chat turn) produced from its copy — keeping whatever others saved meanwhile."""
        return self.update(project_id, lambda current: apply_changes(current, before, after))

    def import_application(self, path: Path) -> Project:
        from assistant.application_reader import read_application

        app = read_application(path)
        return self._insert(
            Project(
                id=uuid.uuid4().hex[:12], name=app.project_name or path.stem, user=self.user, application=app
            )
        )

    def export_dir(self, project: Project) -> Path:
        folder = self.root / project.id / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def unique_export(self, project: Project, stem: str, suffix: str) -> Path:
        """A new file name for every export: earlier exports are never overwritten."""
        folder = self.export_dir(project)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        candidate = folder / f"{safe_name(stem)}-{stamp}{suffix}"
        n = 1
        while candidate.exists():
            n += 1
            candidate = folder / f"{safe_name(stem)}-{stamp}-{n}{suffix}"
        return candidate


def _configured_url() -> str | None:
    from assistant.config import get_settings

    return get_settings().database_url


def _record_history(conn, row: dict) -> None:
    """Add one version to a part's history — or, while the writer is still typing the same passage
    (the newer text extends or shortens the last one, within ``HISTORY_BURST_SECONDS`` of it being
    started), update that entry: undo steps are passages, not keystrokes."""
    h = db.part_history.c
    last = conn.execute(
        select(h.id, h.text, h.saved_at)
        .where(h.project_id == row["project_id"], h.part == row["part"])
        .order_by(h.version.desc())
        .limit(1)
    ).first()
    typing_on = (
        last is not None
        and row["saved_at"] - last.saved_at < HISTORY_BURST_SECONDS
        and (row["text"].startswith(last.text) or last.text.startswith(row["text"]))
    )
    if typing_on:
        conn.execute(
            update(db.part_history)
            .where(h.id == last.id)
            .values(text=row["text"], version=row["version"])  # saved_at stays: the burst's start
        )
        return
    conn.execute(insert(db.part_history).values(**row))
    _trim_history(conn, row["project_id"], row["part"])


def _trim_history(conn, project_id: str, part: str) -> None:
    keep_from = (
        select(db.part_history.c.version)
        .where(db.part_history.c.project_id == project_id, db.part_history.c.part == part)
        .order_by(db.part_history.c.version.desc())
        .offset(HISTORY_KEPT - 1)
        .limit(1)
        .scalar_subquery()
    )
    conn.execute(
        delete(db.part_history).where(
            db.part_history.c.project_id == project_id,
            db.part_history.c.part == part,
            db.part_history.c.version < func.coalesce(keep_from, 0),
        )
    )


def apply_changes(current: Project, before: Project, after: Project) -> None:
    """Three-way: what ``after`` changed relative to ``before`` is applied to ``current``.

    Chat messages and material added are appended; a part the handler rewrote replaces the stored
    one only if nobody edited it meanwhile (otherwise the person's edit stays: what a person typed
    outranks what a model wrote); a new draft (another scene) replaces the draft; confirmed flags
    and the application change only where the handler changed them."""
    current.chat.extend(after.chat[len(before.chat) :])
    if after.material != before.material:
        added = (
            after.material.removeprefix(before.material)
            if after.material.startswith(before.material)
            else None
        )
        current.material = (current.material + added) if added is not None else after.material
    if after.draft != before.draft:
        if after.draft is None or before.draft is None or _scene_id(after.draft) != _scene_id(before.draft):
            current.draft = after.draft.model_copy(deep=True) if after.draft else None
        elif current.draft is not None:
            for field in type(after.draft).model_fields:
                if field != "parts" and getattr(after.draft, field) != getattr(before.draft, field):
                    setattr(current.draft, field, getattr(after.draft, field))
            for key in PART_KEYS:
                mine, theirs, base = (
                    after.draft.parts.get(key),
                    current.draft.parts.get(key),
                    before.draft.parts.get(key),
                )
                if mine != base and theirs == base:
                    setattr(current.draft.parts, key, mine)
                elif mine != base:
                    logger.info("part %s edited during the turn: the edit is kept", key)
    for key, value in after.confirmed.items():
        if before.confirmed.get(key) != value:
            current.confirmed[key] = value
    if after.application != before.application:
        current.application = after.application.model_copy(deep=True)


def _scene_id(scene: Scene) -> tuple[str, str, str]:
    # A redraft of the same scene (its instance name may be new) merges part by part; a draft of
    # another scene replaces the draft (the texts it replaces stay in the parts' history).
    return (scene.domain, scene.link, scene.scene)


# ---- the project files of earlier releases ----------------------------------------------------------------------


def migrate_files(engine, data_dir: Path) -> int:
    """Import ``<data_dir>/projects/<user>/<id>/project.json`` files not yet in the database. The
    files stay where they are (nothing is deleted); running again imports nothing twice."""
    imported = 0
    root = data_dir / "projects"
    if not root.exists():
        return 0
    for path in sorted(root.glob("*/*/project.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data.pop("version", None)
            project = Project.model_validate(data)
        except (OSError, ValueError) as err:
            logger.warning("旧项目文件无法读取，已跳过（文件保留）：%s：%s", path, err)
            continue
        owner = path.parent.parent.name
        with engine.begin() as conn:
            if conn.execute(select(db.projects.c.id).where(db.projects.c.id == project.id)).first():
                continue
            store = ProjectStore.__new__(ProjectStore)
            store.user = owner
            project.user = owner
            store._write(conn, None, project)
            imported += 1
    if imported:
        logger.info("已从项目文件导入 %d 个项目到数据库", imported)
    return imported
