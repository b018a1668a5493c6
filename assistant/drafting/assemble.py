"""A whole application from the writer's material: one scene per material (a file, or a folder of
files), the basic information from a YAML file, the application-level texts drafted from the scenes,
the pre-export check, and the export. The CLI's ``draft-application`` is a thin layer over this.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.config import Settings
from assistant.drafting.application import ApplicationDraft, draft_application_texts
from assistant.drafting.application_online import polish_application_texts
from assistant.drafting.material import Material, load_materials
from assistant.drafting.service import DraftResult, draft_scene
from assistant.errors import InputError
from assistant.export_check import ExportIssue, check_before_export
from assistant.models import Application

MATERIAL_SUFFIXES = {".txt", ".md", ".docx", ".xlsx", ".xlsm", ".pdf", ".yaml", ".yml", ".json"}


class SceneHint(BaseModel):
    """Where one scene belongs, when the writer knows it (else the knowledge base proposes it)."""

    model_config = ConfigDict(extra="forbid")

    domain: str | None = None
    link: str | None = None
    scene: str | None = None
    instance: str | None = None


class BasicInfo(BaseModel):
    """The basic-info YAML: the application's own fields (一、基本信息 and any texts already written)
    plus, optionally, a hint per scene in the order the materials are given."""

    model_config = ConfigDict(extra="forbid")

    application: Application = Field(default_factory=Application)
    scenes: list[SceneHint] = Field(default_factory=list)


def load_basic_info(path: Path) -> BasicInfo:
    """Read ``--basic-info``: the Application's fields at the top level, ``scenes:`` for the hints."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as err:
        raise InputError(f"找不到基本信息文件：{path}") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark else ""
        raise InputError(f"{path.name} {where}不是有效的 YAML：{err}") from err
    if not isinstance(data, dict):
        raise InputError(f"{path.name} 应为键值形式（如 project_name: …）")
    hints = data.pop("scenes", []) or []
    try:
        return BasicInfo(application=Application.model_validate(data), scenes=hints)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path.name} 的字段 {where} 有误：{first['msg']}") from err


def scene_materials(paths: list[Path]) -> list[Material]:
    """One material per scene: a file is one scene; a folder's files together are one scene."""
    materials = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in MATERIAL_SUFFIXES)
            if not files:
                raise InputError(f"文件夹 {path} 中没有可读的材料文件")
            materials.append(load_materials(files))
        elif path.is_file():
            materials.append(load_materials([path]))
        else:
            raise InputError(f"找不到材料：{path}")
    return materials


@dataclass
class DraftedApplication:
    application: Application
    scenes: list[DraftResult]
    texts: ApplicationDraft
    issues: list[ExportIssue] = field(default_factory=list)

    def questions(self) -> list[str]:
        """Every question for the enterprise, scene by scene and then section by section."""
        out = []
        for i, result in enumerate(self.scenes, 1):
            out += [f"场景{i}「{result.scene.title}」：{q}" for q in result.scene.questions]
        for section in self.texts.sections():
            out += [f"{section.key}：{q}" for q in section.questions]
        return out


def draft_application(
    materials: list[Material],
    settings: Settings,
    info: BasicInfo | None = None,
    about: Material | None = None,
) -> DraftedApplication:
    """Draft every scene (offline, or online with fallback), then the application-level texts from
    the scenes' facts, and check what the export would still lack."""
    info = info or BasicInfo()
    if not materials:
        raise InputError("没有给出材料：每个场景一份材料文件（或一个文件夹）")
    if len(info.scenes) > len(materials):
        raise InputError(f"基本信息中有{len(info.scenes)}个场景提示，但只给出{len(materials)}份材料")
    results = []
    for i, material in enumerate(materials):
        hint = info.scenes[i] if i < len(info.scenes) else SceneHint()
        results.append(
            draft_scene(
                material,
                settings,
                domain=hint.domain,
                link=hint.link,
                scene=hint.scene,
                instance=hint.instance,
            )
        )
    app = info.application.model_copy(deep=True)
    app.scenes = [*app.scenes, *(r.scene for r in results)]
    facts = [None] * (len(app.scenes) - len(results)) + [r.facts for r in results]
    combined = _combine([*materials, *([about] if about else [])])
    texts = draft_application_texts(app, facts, combined)
    if settings.llm_configured:  # the model rewrites the prose; the figure guard keeps what traces
        texts = polish_application_texts(app, texts, settings, facts=facts, material=combined)
    app = texts.apply(app)
    return DraftedApplication(application=app, scenes=results, texts=texts, issues=check_before_export(app))


def _combine(materials: list[Material]) -> Material:
    """All materials as one, each sentence keeping its file (the figures' sources name it)."""
    located = [(s, s.file or m.name) for m in materials for s in m.sentences]
    sentences = [replace(s, file=file, index=n) for n, (s, file) in enumerate(located, 1)]
    return Material(
        text="\n\n".join(m.text for m in materials),
        sentences=sentences,
        name="、".join(m.name for m in materials),
        files=[f for m in materials for f in (m.files or [m.name])],
    )


def export_application(
    app: Application,
    *,
    docx: Path | None = None,
    summary: Path | None = None,
    overwrite: bool = False,
) -> list[ExportIssue]:
    """Write the 附件2 .docx and/or the 附件3 row (.docx or .xlsx) whatever is incomplete, and return
    what is (the same list ``check_before_export`` gives)."""
    from assistant.docx_io.writer import export_docx
    from assistant.summary_table import write_summary_docx, write_summary_xlsx

    if docx is not None:
        if docx.suffix.lower() != ".docx":
            raise InputError("申报书应导出为 .docx 文件")
        export_docx(app, docx, overwrite=overwrite)
    if summary is not None:
        suffix = summary.suffix.lower()
        if suffix not in (".docx", ".xlsx"):
            raise InputError("汇总表应导出为 .docx 或 .xlsx 文件")
        (write_summary_docx if suffix == ".docx" else write_summary_xlsx)([app], summary, overwrite=overwrite)
    return check_before_export(app)
