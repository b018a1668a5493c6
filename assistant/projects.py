"""Writers' projects on disk: one folder per project, saved atomically on every change.

A project holds the application being written, the raw material gathered so far, the scene being
drafted, which parts the writer has confirmed, and the chat. Projects live under
``<data_dir>/projects/<user>/``, so one user's projects are not visible to another.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.errors import InputError
from assistant.models import Application, Scene
from assistant.storage import atomic_write_text
from assistant.workspace import Workspace

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
    material: str = ""
    draft: Scene | None = None
    confirmed: dict[str, bool] = Field(default_factory=dict)  # part key → the writer accepted it
    chat: list[ChatMessage] = Field(default_factory=list)
    # Per-part protection, proposals, undo and scene candidates: the writer's workspace (issue 12).
    workspace: Workspace = Field(default_factory=Workspace)
    updated_at: float = 0.0


def user_folder(user: str) -> str:
    """A folder name for a user: the name itself when safe, else a safe form plus a hash of the
    original, so two users whose names clean to the same text ("张 三", "张_三") never share one."""
    cleaned = safe_name(user, "local")
    if cleaned == user:
        return cleaned
    return f"{cleaned}-{hashlib.sha256(user.encode('utf-8')).hexdigest()[:10]}"


class ProjectStore:
    def __init__(self, data_dir: Path, user: str = "local") -> None:
        self.user = user_folder(user)
        self.root = data_dir / "projects" / self.user

    def _path(self, project_id: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{12}", project_id):
            raise InputError("项目编号无效")
        return self.root / project_id / "project.json"

    def create(self, name: str) -> Project:
        project = Project(id=uuid.uuid4().hex[:12], name=name.strip() or "未命名项目", user=self.user)
        self.save(project)
        return project

    def save(self, project: Project) -> None:
        if project.user != self.user:
            raise InputError("不能保存其他用户的项目")
        project.updated_at = time.time()
        atomic_write_text(self._path(project.id), project.model_dump_json(indent=1))

    def load(self, project_id: str) -> Project:
        path = self._path(project_id)
        if not path.exists():
            raise InputError("找不到该项目（可能已被删除，或属于其他用户）")
        try:
            project = Project.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError as err:
            raise InputError(f"项目文件已损坏：{err}") from err
        if project.user != self.user:
            raise InputError("找不到该项目（可能已被删除，或属于其他用户）")
        return project

    def list(self) -> list[tuple[str, str, float]]:
        """(id, name, updated_at), most recent first."""
        items = []
        if self.root.exists():
            for path in self.root.glob("*/project.json"):
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                    items.append((data["id"], data["name"], float(data.get("updated_at", 0))))
                except (OSError, ValueError, KeyError):
                    continue  # a torn or foreign file is skipped, never fatal
        return sorted(items, key=lambda item: item[2], reverse=True)

    def import_application(self, path: Path) -> Project:
        from assistant.application_reader import read_application

        app = read_application(path)
        project = Project(
            id=uuid.uuid4().hex[:12], name=app.project_name or path.stem, user=self.user, application=app
        )
        self.save(project)
        return project

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
