"""The 基本信息 table (corpus/basic_info.yaml) that reader, checks and export all read."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.application_reader import parse_blocks
from assistant.basic_info import basic_info_table, field_text
from assistant.docx_io.blocks import TableBlock
from assistant.errors import ConfigError
from assistant.markdown_io import basic_info_rows
from assistant.models import Application, Enterprise
from assistant.paths import BASIC_INFO_FILE
from assistant.requirements import load_requirements


def test_every_required_field_of_the_notice_is_in_the_table() -> None:
    table = basic_info_table()
    for name in load_requirements().basic_fields.required:
        assert table.field(name).path  # KeyError if the notice names a field the table lacks


def test_the_export_writes_one_row_per_table_row_in_its_order() -> None:
    app = Application(enterprise=Enterprise(name="甲公司", legal_rep="张三", legal_rep_title="总经理"))
    rows = basic_info_rows(app, load_requirements())
    labels = [r.label or load_requirements().accident.question for r in basic_info_table().rows]
    assert [r[0] for r in rows] == labels
    assert ["企业名称", "甲公司"] in rows and ["法人代表/负责人", "姓名：张三；职务：总经理"] in rows


def test_what_the_export_writes_the_reader_reads_back() -> None:
    app = Application(
        enterprise=Enterprise(
            name="甲公司",
            address="南昌市",
            industry=["电子信息"],
            contact="李四",
            contact_mobile="13800000000",
            maturity=["三级"],
            major_accident=False,
        ),
        factory_name="甲工厂",
    )
    read = parse_blocks([TableBlock(rows=basic_info_rows(app, load_requirements()))])
    assert read.enterprise.name == "甲公司" and read.factory_name == "甲工厂"
    assert read.enterprise.contact_mobile == "13800000000" and read.enterprise.major_accident is False
    assert read.enterprise.industry == ["电子信息"] and read.enterprise.maturity == ["三级"]
    assert field_text(read, "所属行业") == "电子信息"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda rows: rows[0]["fields"]["value"].update(path="enterprise.nmae"), "has no field nmae"),
        (lambda rows: rows[0].update(lable="企业名称"), "lable"),
        (lambda rows: rows[0].update(kind="person"), "not allowed for kind person"),
    ],
)
def test_a_mistake_in_the_table_fails_to_load(tmp_path: Path, change, says: str) -> None:
    data = yaml.safe_load(BASIC_INFO_FILE.read_text(encoding="utf-8"))
    change(data["rows"])
    broken = tmp_path / "basic_info.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=says):
        basic_info_table(broken)
