"""附件3 推荐汇总表: one row per application, written as .docx (from a template) or .xlsx, and read back
for the quota check when a 工信局 hands in its table instead of the drafts."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InputError
from assistant.models import Application
from assistant.requirements import load_requirements

HEADERS = [
    "序号",
    "申报单位名称",
    "先进级智能工厂项目名称",
    "已经建成的典型场景（逐一列出）",
    "联系人",
    "联系方式",
    "备注",
]


@dataclass
class SummaryRow:
    no: int
    applicant: str
    project: str
    scenes: str
    contact: str
    phone: str
    remark: str

    @property
    def benchmark(self) -> bool:
        return is_benchmark_remark(self.remark)


_TICKS = "☑√✓✔■☒▣◼●"
# 备注 says the firm was a 标杆企业 only in so many words (“2021年江西省智能制造标杆企业”) or by a
# ticked 是; “非标杆企业”“否”“拟申报标杆企业” mention the word but say the opposite.
_TICKED_NO = re.compile(rf"[{_TICKS}]\s*否")
_TICKED_YES = re.compile(rf"[{_TICKS}]\s*是")
_NEGATED = re.compile(r"非标杆|不是|不属于|未入选|未被|未获|尚未|拟|申报标杆|候选|否")
_BENCHMARK_TEXT = re.compile(r"(?:20[0-9xX]{2}\s*年.{0,12}|江西省智能制造)标杆企业")


def is_benchmark_remark(remark: str) -> bool:
    text = unicodedata.normalize("NFKC", remark).replace(" ", "").strip()
    if _TICKED_NO.search(text):
        return False
    if _TICKED_YES.search(text) or text == "是":
        return True
    return not _NEGATED.search(text) and bool(_BENCHMARK_TEXT.search(text))


def scene_lines(app: Application) -> str:
    return "\n".join(f"{i}.{scene.summary_line()}" for i, scene in enumerate(app.scenes, 1))


def remark_for(app: Application) -> str:
    if not app.benchmark:
        return ""
    template = load_requirements().quota.benchmark_remark  # 20xx年江西省智能制造标杆企业
    year = app.benchmark_year.strip().removesuffix("年")
    if year:
        return template.replace("20xx", year)
    # A literal “20xx年” would read as filled in; say plainly the year is still missing.
    return template.replace("20xx年", "") + "（入选年份未填）"


def rows_for(apps: list[Application]) -> list[SummaryRow]:
    return [
        SummaryRow(
            no=i,
            applicant=app.applicant or app.enterprise.name,
            project=app.project_name,
            scenes=scene_lines(app),
            contact=app.enterprise.contact,
            phone=app.enterprise.contact_mobile,
            remark=remark_for(app),
        )
        for i, app in enumerate(apps, 1)
    ]


def by_recommender(apps: list[Application]) -> dict[str, list[Application]]:
    """Applications grouped by 推荐单位 (its 设区市 when recognised): a 推荐汇总表 is per unit."""
    req = load_requirements()
    groups: dict[str, list[Application]] = {}
    for app in apps:
        unit = req.quota.unit_of(app.recommender) or app.recommender or "未填推荐单位"
        groups.setdefault(unit, []).append(app)
    return groups


def recommender_of(apps: list[Application]) -> str:
    """The one 推荐单位 of a 汇总表. Spellings of the same unit (鹰潭市工信局、鹰潭工信局、鹰潭市) are one
    unit, as in the quota check; the most used spelling heads the table. Drafts from several units
    are refused: each 推荐单位 hands in its own table."""
    quota = load_requirements().quota
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for app in apps:
        if name := app.recommender.strip():
            spellings[quota.unit_of(name) or name][name] += 1
    if len(spellings) > 1:
        counts = "、".join(f"{unit} {sum(c.values())} 份" for unit, c in spellings.items())
        raise InputError(
            f"本批申报书来自多个推荐单位（{counts}），每个推荐单位应单独填报一张汇总表；"
            "请按推荐单位分开存放后分别生成"
        )
    return next(iter(spellings.values())).most_common(1)[0][0] if spellings else ""


def _check_target(target: Path, overwrite: bool) -> None:
    if target.exists() and not overwrite:
        raise InputError(f"{target} 已存在；如需覆盖请加 --overwrite")
    target.parent.mkdir(parents=True, exist_ok=True)


def write_summary_docx(apps: list[Application], target: Path, *, overwrite: bool = False) -> None:
    from docxtpl import DocxTemplate, Listing

    from assistant.docx_io.writer import TEMPLATES_DIR

    _check_target(target, overwrite)
    template = DocxTemplate(str(TEMPLATES_DIR / "summary.docx"))
    rows = [{**row.__dict__, "scenes": Listing(row.scenes)} for row in rows_for(apps)]
    template.render({"recommender": recommender_of(apps), "rows": rows}, autoescape=True)
    tmp = target.with_name(f".{target.name}.tmp")
    template.save(str(tmp))
    tmp.replace(target)


def write_summary_xlsx(apps: list[Application], target: Path, *, overwrite: bool = False) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    _check_target(target, overwrite)
    wb = Workbook()
    ws = wb.active
    ws.title = "推荐汇总表"
    ws.append(["江西省先进级智能工厂项目推荐汇总表"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.append([f"推荐单位（盖章）：{recommender_of(apps)}"])
    ws.append(HEADERS)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in rows_for(apps):
        ws.append([row.no, row.applicant, row.project, row.scenes, row.contact, row.phone, row.remark])
    ws.append([])
    quota = load_requirements().quota
    ws.append([f"注：1.{quota.recommender_note}"])
    ws.append(["2.如申报单位曾入选江西省智能制造标杆企业，请在表中备注“20xx年江西省智能制造标杆企业”"])
    ws.append(["3.入选过国家卓越级智能工厂名单的无需申报"])
    for letter, width in zip("ABCDEFG", (6, 28, 30, 70, 10, 16, 28), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    from assistant.safe_text import inert_workbook

    inert_workbook(wb)  # an applicant named “=HYPERLINK(…)” stays text
    tmp = target.with_name(f".{target.name}.tmp")
    wb.save(str(tmp))
    tmp.replace(target)


_RECOMMENDER = re.compile(r"推荐单位\s*(?:\(\s*盖章\s*\))?\s*:\s*(\S.*)")


def read_summary(path: Path) -> tuple[str, list[SummaryRow]]:
    """(推荐单位, rows) from a 汇总表 in .xlsx or .docx."""
    if not path.exists():
        raise InputError(f"找不到汇总表：{path}")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).active
            table = [
                [("" if c is None else str(c)) for c in row] for row in sheet.iter_rows(values_only=True)
            ]
        except Exception as err:
            raise InputError(
                f"{path.name} 不是有效的 Excel 文件（文件可能已损坏，或不是 .xlsx 工作簿）"
            ) from err
    elif path.suffix.lower() == ".docx":
        from assistant.docx_io.blocks import Para, docx_blocks

        table = []
        for block in docx_blocks(path):
            table += [[block.text]] if isinstance(block, Para) else block.rows
    else:
        raise InputError(f"{path.name}：汇总表应为 .xlsx 或 .docx")
    recommender = ""
    rows: list[SummaryRow] = []
    for cells in table:
        first = (cells[0] if cells else "").strip()
        # Half-width brackets and colons (推荐单位(盖章):) are the same header typed on another keyboard.
        joined = unicodedata.normalize("NFKC", "".join(cells))
        if m := _RECOMMENDER.search(joined):
            recommender = m.group(1).strip()
            continue
        serial = re.fullmatch(r"(\d+)(?:\.0+)?", first)  # Excel may store 序号 as 1.0
        if serial and len(cells) >= 2 and cells[1].strip() and not cells[1].startswith("...."):
            padded = [*cells, *[""] * 7][:7]
            rows.append(SummaryRow(int(serial.group(1)), *[c.strip() for c in padded[1:]]))
    if not rows:
        raise InputError(f"{path.name} 中没有找到汇总表的数据行（首列应为序号）")
    return recommender, rows
