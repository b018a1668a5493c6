"""Reading a 申报书 (.docx, .md, .json; .doc/.wps/.odt via LibreOffice; PDF and scans) into the Application model.

Real drafts vary: tick marks ☑ ■ √ ✔ ▣ [x]; headings as heading styles or plain bold lines;
part numbering （1） / 1. / ① / (1); a part split over paragraphs or laid out in a two-column
table; merged table cells; empty paragraphs. The parser reads by meaning (labels, part names,
the template's section numbers), not by position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from assistant.attachments import parse_attachment
from assistant.basic_info import Row, basic_info_table, get_value, set_value
from assistant.docx_io.blocks import Block, Para, TableBlock, docx_blocks, markdown_blocks
from assistant.errors import InputError
from assistant.models import PART_KEYS, Application, Enterprise, PartKey, Scene, YearFinance
from assistant.pdf_io.ocr import Progress
from assistant.readers import check_file, read_text
from assistant.requirements import Requirements, load_requirements
from assistant.scene_titles import split_title, strip_numbering
from assistant.scenes import load_scene_table

TICKS = "☑■√✔✓▣☒✅●"
_TICK_BEFORE = re.compile(rf"(?:[{TICKS}]|\[[xX]\]|\([xX]\)|□[{TICKS}]|[{TICKS}]□)\s*$")
_SPACE = re.compile(r"[\s\u3000]+")

# Label vocabulary per part, longest first within a part (the template's own label, then the
# variants real drafts use). A label only opens a part where it stands as a heading: see part_heading.
_PART_NAMES: list[tuple[PartKey, str]] = [
    ("描述", r"(?:场景)*场景实例描述|场景描述|实例描述|场景概述|实例概述"),
    ("痛点", r"解决的痛点问题描述|痛点问题描述|解决的痛点问题|痛点问题|痛点描述|痛点"),
    ("技术方案", r"采用的技术方案|技术方案|技术路线"),
    ("成效", r"已实施成效|实施成效|建设成效|应用成效|取得成效|实施效果|应用效果|建设效果|成效"),
    ("经济性", r"经济性和可推广性|经济性与可推广性|经济性及可推广性|经济性|可推广性|推广价值|经济效益"),
]
_ORDINALS = {c: i + 1 for i, c in enumerate("12345")} | {
    **{c: i + 1 for i, c in enumerate("１２３４５")},
    **{c: i + 1 for i, c in enumerate("一二三四五")},
    **{c: i + 1 for i, c in enumerate("①②③④⑤")},
    **{c: i + 1 for i, c in enumerate("⑴⑵⑶⑷⑸")},
}
_PART_NUMBER = (
    r"(?:[（(]\s*[1-5１-５一二三四五]\s*[）)]|[1-5１-５]\s*(?:[.．、](?!\d)|[）)])|[①②③④⑤]|[⑴⑵⑶⑷⑸]"
    r"|第[一二三四五]部分[:：]?)"
)
_PART_HEADING = [
    (key, re.compile(rf"^\s*(?P<num>{_PART_NUMBER})?\s*(?P<name>{names})(?P<rest>.*)$", re.DOTALL))
    for key, names in _PART_NAMES
]
_GUIDANCE = re.compile(r"^(?:\s*[（(][^（）()]*(?:[（(][^（）()]*[）)][^（）()]*)*[）)])*")
# A whole paragraph in brackets: the template's guidance such as （如有，可参考…作为加分项）.
_BRACKETED = re.compile(r"^\s*[（(].*[）)]\s*$", re.DOTALL)
# What may follow a part label when the heading carries its content on the same line.
_LABEL_END = re.compile(r"^[\s\u3000，,。.；;、—\-－]")
_SHORT_LABEL_TAIL = 8  # （2）痛点分析, 4）实施效果评价: a few more characters still make a label

_TOP_SECTIONS = {
    "基本信息": re.compile(r"^一[、.．]\s*申报主体"),
    "总体情况": re.compile(r"^二[、.．]\s*项目总体情况"),
    "场景": re.compile(r"^三[、.．]\s*场景化建设情况"),
    "实施成效": re.compile(r"^四[、.．]\s*项目实施成效"),
    "相关附件": re.compile(r"^五[、.．]\s*相关附件"),
}
# The same headings with the number left to Word's 多级列表 (or dropped): recognised by their words,
# but only on a heading-like paragraph, and only as the whole line (plus guidance in brackets).
_BARE_TOP_SECTIONS = {
    "基本信息": re.compile(r"^申报主体和先进级智能工厂基本信息(?:[（(：:].*)?$"),
    "总体情况": re.compile(r"^项目总体情况(?:[（(：:].*)?$"),
    "场景": re.compile(r"^场景化建设情况(?:[（(：:].*)?$"),
    "实施成效": re.compile(r"^项目实施成效(?:[（(：:].*)?$"),
    "相关附件": re.compile(r"^相关附件(?:[（(：:].*)?$"),
}


def norm(text: str) -> str:
    return _SPACE.sub("", text).strip("：:")


def ticked(text: str, options: list[str]) -> list[str]:
    """The options whose box is ticked: a tick mark right before the option text."""
    chosen = []
    for option in options:
        for m in re.finditer(re.escape(option), text):
            if _TICK_BEFORE.search(text[: m.start()]):
                chosen.append(option)
                break
    return chosen


# The box of the next option ends what was written after this one: □ ☐ ☑…, or [ ] / [x].
_NEXT_BOX = re.compile(rf"[□☐{TICKS}]|\[\s*[xX]?\s*\]")


def text_after_option(text: str, option: str) -> str:
    """What is written after an option, e.g. the proof after 其他 or the name after 是（事故名称：…）."""
    idx = text.find(option)
    if idx < 0:
        return ""
    rest = text[idx + len(option) :]
    rest = _NEXT_BOX.split(rest, maxsplit=1)[0].strip().lstrip("：:").strip()
    if rest[:1] in "（(" and rest[-1:] in "）)":
        rest = rest[1:-1].strip()
    return re.sub(r"^事故名称\s*[:：]?", "", rest).strip()


def part_heading(
    text: str, emphasised: bool, *, numbered: bool = False, current: PartKey | None = None
) -> tuple[PartKey, str] | None:
    """(part, inline content) if ``text`` is a part heading such as （4）已实施成效：…

    ``numbered``: the paragraph is in a Word list, so its number is not in the text. ``current``:
    the part being read, for telling the next heading from a numbered sub-item inside a part.
    A label opens a part when it is the whole line, is followed by a colon or separator, or (numbered
    or emphasised) runs straight into its content as the next part in order. A number that does not
    fit the label — 3.经济性方面：… inside 成效 — makes it a sub-item, not a heading.
    """
    for key, pattern in _PART_HEADING:
        m = pattern.match(text)
        if not m:
            continue
        num = m.group("num")
        ordinal = _ORDINALS.get(next((c for c in num if c in _ORDINALS), ""), 0) if num else 0
        if ordinal and ordinal != PART_KEYS.index(key) + 1:
            return None
        rest = m.group("rest")
        guidance = _GUIDANCE.match(rest)
        after = rest[guidance.end() :] if guidance else rest
        had_guidance = bool(guidance and guidance.end())
        stripped = after.strip()
        if stripped.startswith(("：", ":")):
            return key, stripped[1:].strip()
        if not stripped:
            return key, ""
        if not (num or numbered or emphasised):
            continue
        if had_guidance or _LABEL_END.match(after):
            return key, stripped
        if len(stripped) <= _SHORT_LABEL_TAIL and not stripped.endswith(("。", "；", ";")):
            return key, ""
        if current is None or PART_KEYS.index(key) > PART_KEYS.index(current):
            return key, stripped
        return None
    return None


class _Reader:
    def __init__(self, blocks: list[Block], req: Requirements) -> None:
        self.blocks = blocks
        self.req = req
        self.app = Application()
        self.app.enterprise = Enterprise()
        self.domain_names = req.domain_order
        self.extra_names = set(req.extra_names)
        self.scene_table = load_scene_table()
        self.basic_info = basic_info_table()
        self.maturity_options = [*req.maturity.levels, req.maturity.other_option]
        self._years: list[int] = list(req.finance.years)
        # Where things start, for findings on a PDF or a scan: "基本信息", "总体情况", "scene:2", "scene:2:成效".
        self.pages: dict[str, int] = {}

    # -- top level -----------------------------------------------------------------------------
    def read(self) -> Application:
        section = "封面"
        texts: dict[str, list[str]] = {"总体情况": [], "实施成效": [], "相关附件": []}
        scene_blocks: list[Block] = []
        for block in self.blocks:
            if isinstance(block, Para):
                top = self._top_section(block)
                if top:
                    section = top
                    self.pages.setdefault(top, block.page)
                    continue
                if section in ("封面", "基本信息"):
                    self._front_matter_line(block.text)
                elif section in texts:
                    texts[section].append(block.text)
                elif section == "场景":
                    scene_blocks.append(block)
            else:
                if section == "场景":
                    scene_blocks.append(block)
                else:
                    self.pages.setdefault("基本信息", block.page)
                    self._basic_table(block)
        self.app.overview = "\n".join(texts["总体情况"]).strip()
        self.app.results = "\n".join(texts["实施成效"]).strip()
        free = []
        for line in texts["相关附件"]:
            item = parse_attachment(line)
            if item is None:
                free.append(line)
            else:
                self.app.attachment_list.append(item)
        self.app.attachments = "\n".join(free).strip()
        self._scenes(scene_blocks)
        return self.app

    def _top_section(self, para: Para) -> str | None:
        t = norm(para.text)
        if len(t) > 40:
            return None
        for name, pattern in _TOP_SECTIONS.items():
            if pattern.match(t):
                return name
        if para.heading or para.bold or para.numbered:
            for name, pattern in _BARE_TOP_SECTIONS.items():
                if pattern.match(t):
                    return name
        return None

    # -- cover and basic info --------------------------------------------------------------------
    def _front_matter_line(self, text: str) -> None:
        t = norm(text)
        m = re.match(
            r"^(项目名称|申报单位(?:（盖章）)?|推荐单位(?:（盖章）)?|申报日期|是否入选江西省智能制造标杆企业)[:：]?(.*)$",
            t,
        )
        if not m:
            return
        label, value = m.group(1), text.split("：", 1)[1].strip() if "：" in text else m.group(2)
        value = value.strip()
        if label == "项目名称":
            self.app.project_name = value
        elif label.startswith("申报单位"):
            self.app.applicant = value
        elif label.startswith("推荐单位"):
            self.app.recommender = value
        elif label == "申报日期":
            self.app.apply_date = value
        else:
            chosen = ticked(value, ["是", "否"])
            self.app.benchmark = True if chosen == ["是"] else (False if chosen == ["否"] else None)
            year = re.search(r"(20\d{2})", value)
            if self.app.benchmark and year:
                self.app.benchmark_year = year.group(1)

    def _basic_table(self, table: TableBlock) -> None:
        for row in table.rows:
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            label = norm(cells[0])
            values = [c for c in cells[1:] if norm(c) != label or not label]
            joined = "\n".join(v for v in values if v).strip()
            if self._finance_row(cells):
                continue
            if self._front_matter_cell(label, joined):
                continue
            if spec := self.basic_info.row_for(label):
                self._basic_row(spec, values, joined)

    def _basic_row(self, row: Row, values: list[str], joined: str) -> None:
        """One row of the 基本信息 table, read as its kind in ``corpus/basic_info.yaml`` says."""
        app, fields = self.app, row.fields
        if row.kind == "text":
            set_value(app, fields["value"].path, joined)
        elif row.kind == "choices":
            options = self.req.industries if row.options == "industries" else self.maturity_options
            chosen = ticked(joined, options)
            set_value(app, fields["value"].path, chosen)
            if "其他" in chosen:
                set_value(app, fields["other"].path, text_after_option(joined, "其他"))
        elif row.kind == "person":
            given = self._subfields(values)
            for key, f in fields.items():
                set_value(app, f.path, given.get(key, get_value(app, f.path)))
        elif row.kind == "years":
            years = [int(y) for v in values for y in re.findall(r"(20\d{2})", v)]
            if years:
                self._years = years
        elif row.kind == "accident":
            e = app.enterprise
            chosen = ticked(joined, ["是", "否"])
            e.major_accident = True if "是" in chosen else (False if chosen == ["否"] else None)
            if e.major_accident:
                e.accident_name = text_after_option(joined, "是")

    def _front_matter_cell(self, label: str, value: str) -> bool:
        for name in ("项目名称", "申报单位", "推荐单位", "申报日期", "是否入选江西省智能制造标杆企业"):
            if label.startswith(name):
                self._front_matter_line(f"{name}：{value}")
                return True
        return False

    @staticmethod
    def _subfields(values: list[str]) -> dict[str, str]:
        """姓名/职务/手机/邮箱 given as label cell + value cell, or inline as 姓名：X；职务：Y."""
        keys = ("姓名", "职务", "手机", "邮箱", "电话")
        fields: dict[str, str] = {}
        i = 0
        while i < len(values):
            cell = norm(values[i])
            if cell in keys:
                nxt = values[i + 1].strip() if i + 1 < len(values) else ""
                if norm(nxt) in keys:
                    fields[cell] = ""
                    i += 1
                    continue
                fields[cell] = nxt
                i += 2
                continue
            for m in re.finditer(r"(姓名|职务|手机|邮箱|电话)\s*[:：]\s*([^；;，,\n]*)", values[i]):
                fields[m.group(1)] = m.group(2).strip()
            i += 1
        if "手机" not in fields and "电话" in fields:
            fields["手机"] = fields["电话"]
        return fields

    def _finance_row(self, cells: list[str]) -> bool:
        """A 主营业务收入/利润 row, wherever its label sits: first column, or after a merged
        近三年发展情况 label that spans the year rows (an 指标 column)."""
        for i, cell in enumerate(cells[:3]):
            label = norm(cell)
            if len(label) > 20:
                continue
            row = next((r for r in self.basic_info.of_kind("finance") if r.matches(label)), None)
            if row:
                self._finance([c for c in cells[i + 1 :] if norm(c) != label], row.fields["value"].path)
                return True
        return False

    def _finance(self, values: list[str], attr: str) -> None:
        e = self.app.enterprise
        by_year = {f.year: f for f in e.finances}
        for year, value in zip(self._years, values, strict=False):
            entry = by_year.get(year)
            if entry is None:
                entry = YearFinance(year=year)
                e.finances.append(entry)
                by_year[year] = entry
            setattr(entry, attr, value.strip())

    # -- scenes --------------------------------------------------------------------------------------
    def _domain_heading(self, text: str) -> str | None:
        t = norm(text)
        if "-" in t or "—" in t or len(t) > 60:
            return None
        m = re.match(
            r"^(?:[（(][一二三四五六七][）)]|[一二三四五六七][、.．])?\s*("
            + "|".join(self.domain_names)
            # （二）生产管理类场景 / 生产管理场景 / 生产管理方面: the same domain, worded by the writer
            + r")(?:类场景|类|场景|领域|方面)?(?:$|[（(])",
            t,
        )
        return m.group(1) if m else None

    def _scenes(self, blocks: list[Block]) -> None:
        items: list[tuple[str, object]] = []  # flattened: ("para", Para) / ("row", [cells])
        item_pages: list[int] = []
        for block in blocks:
            if isinstance(block, Para):
                items.append(("para", block))
                item_pages.append(block.page)
            else:
                for row in block.rows:
                    items.append(("row", row))
                    item_pages.append(block.page)
        domain: str | None = None
        scene: Scene | None = None
        part: PartKey | None = None

        def part_start(index: int) -> PartKey | None:
            for kind, item in items[index : index + 1]:
                if kind == "para":
                    p = item  # type: ignore[assignment]
                    found = part_heading(p.text, bool(p.heading or p.bold), numbered=p.numbered)
                    return found[0] if found else None
                cells = [c for c in item if c.strip()]  # type: ignore[union-attr]
                found = part_heading(cells[0], True) if cells else None
                return found[0] if found else None
            return None

        def open_scene(title: str) -> Scene:
            new = self._scene_from_title(domain or "", title)
            self.app.scenes.append(new)
            self.pages[f"scene:{len(self.app.scenes)}"] = item_pages[index]
            return new

        def note_part(key: PartKey) -> None:
            self.pages.setdefault(f"scene:{len(self.app.scenes)}:{key}", item_pages[index])

        for index, (kind, item) in enumerate(items):
            if kind == "row":
                cells = [c.strip() for c in item if c.strip()]  # type: ignore[union-attr]
                if not cells:
                    continue
                found = part_heading(cells[0], True)
                if found and scene is not None:
                    part = found[0]
                    note_part(part)
                    body = "\n".join([found[1], *cells[1:]]).strip()
                    self._append(scene, part, body)
                elif norm(cells[0]) in ("场景名称", "场景实例名称", "场景实例") and len(cells) > 1:
                    scene, part = open_scene(cells[1]), None
                elif scene is not None and part is not None:
                    self._append(scene, part, "\n".join(cells))
                continue
            para: Para = item  # type: ignore[assignment]
            text = para.text.strip()
            if not text:
                continue
            name = self._domain_heading(text)
            if name:
                domain, scene, part = name, None, None
                continue
            found = part_heading(text, bool(para.heading or para.bold), numbered=para.numbered, current=part)
            if found and scene is not None:
                part = found[0]
                note_part(part)
                self._append(scene, part, found[1])
                continue
            if domain is None:
                continue
            looks_like_title = len(text) <= 80 and not text.endswith(("。", "；", ";"))
            next_part = part_start(index + 1)
            next_is_part = next_part is not None
            if (
                next_part is not None
                and part is not None
                and not (para.heading or para.bold)
                and PART_KEYS.index(next_part) > PART_KEYS.index(part)
            ):
                # A plain line before the next part in order is the end of this part (a scan's last
                # line of 描述 before 2.痛点), not a new scene's title, which is followed by part 1.
                next_is_part = False
            # A part heading never opens a scene, however bold: 1）场景实例描述 is not a title.
            if (
                found is None
                and looks_like_title
                and (next_is_part or ((para.heading or para.bold) and part is None))
            ):
                if text.startswith(("（参考", "(参考", "（如有", "(如有")):
                    continue
                scene, part = open_scene(text), None
                continue
            if found and scene is None:
                scene, part = open_scene(""), found[0]
                note_part(part)
                self._append(scene, part, found[1])
                continue
            if scene is not None and part is not None:
                self._append(scene, part, text)
            elif scene is not None and (para.heading or para.bold or next_is_part):
                continue
            elif scene is None and domain in self.extra_names and not _BRACKETED.match(text):
                # （七）智慧供应链建设 is often a narrative, not five parts; keep it rather than drop it.
                current = self.app.extra_texts.get(domain, "")
                self.app.extra_texts[domain] = f"{current}\n{text}" if current else text
            # else: domain preamble (the template's own guidance); not part of any scene

    @staticmethod
    def _append(scene: Scene, part: PartKey, text: str) -> None:
        if not text:
            return
        current = scene.parts.get(part)
        setattr(scene.parts, part, f"{current}\n{text}" if current else text)

    def _scene_from_title(self, domain: str, title: str) -> Scene:
        raw = strip_numbering(title)
        segments = split_title(raw)
        link = scene_name = instance = ""
        if len(segments) >= 3:
            link, scene_name, instance = segments[0], segments[1], "-".join(segments[2:])
        else:
            known_links = set(self.req.all_links)
            rest = []
            for seg in segments:
                if not link and seg in known_links:
                    link = seg
                elif not scene_name and self.scene_table.lookup(seg):
                    scene_name = seg
                else:
                    rest.append(seg)
            instance = "-".join(rest)
        scene = Scene(domain=domain, link=link, scene=scene_name, instance=instance)
        if raw != scene.title:
            scene.raw_title = raw
        return scene


def parse_blocks(blocks: list[Block], req: Requirements | None = None) -> Application:
    return _Reader(blocks, req or load_requirements()).read()


@dataclass
class ReadDocument:
    """An application and how it was read: by OCR or not, and the page each part starts on (PDF only)."""

    app: Application
    ocr: bool = False
    pages: dict[str, int] = field(default_factory=dict)

    def page_of(self, scene_index: int | None, section: str | None) -> int | None:
        if scene_index is not None:
            return self.pages.get(f"scene:{scene_index}:{section}") or self.pages.get(f"scene:{scene_index}")
        if section in ("企业简介", "项目简述", None):
            return self.pages.get("基本信息")
        return self.pages.get(section)


PDF_SUFFIXES = {".pdf"}


def _read_blocks(blocks: list[Block]) -> ReadDocument:
    reader = _Reader(blocks, load_requirements())
    app = reader.read()
    return ReadDocument(app=app, pages={k: v for k, v in reader.pages.items() if v})


def read_document(path: Path, progress: Progress | None = None) -> ReadDocument:
    """Any supported draft; InputError with a Chinese reason otherwise. ``progress(done, total)`` for OCR pages."""
    from assistant.docx_io.convert import CONVERTIBLE_SUFFIXES, SPREADSHEET_SUFFIXES, converted_docx
    from assistant.docx_io.open import legacy_word_inside
    from assistant.pdf_io.ocr import IMAGE_SUFFIXES

    check_file(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            return ReadDocument(app=Application.model_validate_json(read_text(path)))
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            where = f"字段 {where} " if where else ""  # a syntax error has no field to name
            raise InputError(f"{path.name} 不是有效的申报书 JSON：{where}{first['msg']}") from err
    if suffix in (".md", ".markdown"):
        read = _read_blocks(markdown_blocks(read_text(path)))
    elif suffix == ".docx" and not legacy_word_inside(path):
        read = _read_blocks(docx_blocks(path))
    elif suffix in CONVERTIBLE_SUFFIXES | SPREADSHEET_SUFFIXES | {".docx"}:
        # .docx here: a legacy .doc/.wps saved under the new name, which Word itself opens fine.
        with converted_docx(path, as_suffix=".doc" if suffix == ".docx" else None) as docx_path:
            try:
                blocks = docx_blocks(docx_path)
            except InputError as err:
                raise InputError(str(err).replace(docx_path.name, path.name)) from err
        read = _read_blocks(blocks)
    elif suffix in PDF_SUFFIXES | IMAGE_SUFFIXES:
        from assistant.pdf_io.reader import pdf_blocks

        pdf = pdf_blocks(path, progress)
        read = _read_blocks(pdf.blocks)
        read.ocr = pdf.ocr
    else:
        raise InputError(
            f"{path.name}：不支持的文件类型（支持 .docx、.doc、.wps、.odt、.pdf、.png、.jpg、.md、.json）"
        )
    app = read.app
    if not app.scenes and not app.enterprise.name and not app.project_name:
        how = "（扫描件经 OCR 识别）" if read.ocr else ""
        raise InputError(f"{path.name}{how} 看起来不是先进级智能工厂申报书：没有找到基本信息表或场景")
    return read


def read_application(path: Path) -> Application:
    """Any supported draft as an Application; InputError with a Chinese reason otherwise."""
    return read_document(path).app


__all__ = ["PART_KEYS", "ReadDocument", "parse_blocks", "read_application", "read_document", "ticked"]
