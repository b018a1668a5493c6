"""A workbook's money tables whose unit is given by a title line ("（金额单位：万元）", "…万元/年）"):
the guard must trace the draft's 万元 amounts to them."""

from pathlib import Path

from openpyxl import Workbook

from assistant.drafting.extract import extract_facts
from assistant.drafting.figures import FigureGuard
from assistant.drafting.material import load_materials


def _workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    for row in [
        ["赣北示例电器有限公司 2025年度技改项目申报表"],
        ["二、项目投入（金额单位：万元）"],
        ["序号", "建设内容", "实施单位", "金额", "付款状态", "备注"],
        [1, "视觉检测工位3套", "甲乙智能装备有限公司", 128, "已付80%", None],
        [2, "WMS仓储系统及接口", "丙丁软件有限公司", 64, "已付清", None],
        [3, "料架与工装改造", "公司设备科", 27, "内部结算", None],
        [None, "合计", None, 219, None, "立项预算200万元，追加19万元"],
    ]:
        sheet.append(row)
    returns = book.create_sheet("效益测算")
    for row in [
        ["年效益测算（金额单位：万元/年）"],
        ["效益项目", "计算依据", "申报数", "审核数", "审核意见"],
        ["质检人员减少", "每班减2人，两班共减4人", 36, 36, "同意"],
        ["返工报废减少", "漏检率下降后客诉返工减少", 18, 15.5, "按审核数"],
        ["合计", None, 54, 51.5],
        ["回收期（年）", None, 4.1, 4.3, None],
    ]:
        returns.append(row)
    book.save(path / "申报表.xlsx")
    return path / "申报表.xlsx"


def test_amounts_under_a_title_unit_are_traced(tmp_path: Path) -> None:
    material = load_materials([_workbook(tmp_path)])
    guard = FigureGuard(material, extract_facts(material))
    draft = (
        "项目总投资219万元，其中视觉检测工位128万元、WMS系统64万元、料架改造27万元；"
        "经审核年效益51.5万元，其中人员36万元、返工报废15.5万元。"
    )
    assert [c.figure.text for c in guard.check(draft) if not c.ok] == []


def test_payment_status_and_budget_remark_do_not_set_the_cost_rows_aside(tmp_path: Path) -> None:
    facts = extract_facts(load_materials([_workbook(tmp_path)]))
    assert facts.investment_total is not None and facts.investment_total.amount == "219万元"
    assert [i.amount for i in facts.investment_items] == ["128万元", "64万元", "27万元"]


def test_a_row_in_years_keeps_its_unit_under_a_money_title(tmp_path: Path) -> None:
    material = load_materials([_workbook(tmp_path)])
    row = next(s.text for s in material.sentences if s.text.startswith("回收期"))
    assert "万元" not in row
    guard = FigureGuard(material, extract_facts(material))
    assert not any(c.ok for c in guard.check("回收期4.3万元"))  # a payback is no amount
