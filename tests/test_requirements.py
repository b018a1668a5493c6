"""The requirements file must say what the notice says: every domain, 环节, limit and quota is in the text."""

import re

import pytest

from assistant.paths import DOCUMENTS_DIR
from assistant.requirements import load_requirements
from assistant.scenes import load_scene_table

NOTICE = "".join(p.read_text(encoding="utf-8") for p in sorted(DOCUMENTS_DIR.glob("*.txt")))
REQ = load_requirements()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_mandatory_domains_are_the_three_the_notice_names() -> None:
    assert [d.name for d in REQ.mandatory_domains] == ["生产作业", "生产管理", "运营管理"]
    assert "至少覆盖生产作业、生产管理、运营管理三个方面" in NOTICE


@pytest.mark.parametrize("domain", REQ.domains, ids=lambda d: d.name)
def test_each_domain_and_its_links_are_in_the_notes_of_annex1(domain) -> None:
    links = "、".join(domain.links)
    numerals = {2: "两", 3: "三", 5: "五"}
    note = f"{domain.name}涵盖《智能制造典型场景参考指引（2024年版）》中的{links}{numerals[len(domain.links)]}个环节"
    assert note in NOTICE
    assert squash(domain.goal) in squash(NOTICE)


@pytest.mark.parametrize("spec", [*REQ.parts, *REQ.application_texts], ids=lambda s: s.key)
def test_each_limit_is_stated_in_the_template(spec) -> None:
    # The clause quotes the template's own instruction, e.g. （300字以内） or （…不超过500字。）
    instruction = re.findall(r"（[^（）]*?\d+字[^（）]*?）", spec.clause)[-1]
    assert instruction in NOTICE, instruction
    assert f"{spec.limit}字" in instruction


def test_part_limits_are_the_five_the_brief_names() -> None:
    assert {p.key: p.limit for p in REQ.parts} == {
        "描述": 300,
        "痛点": 300,
        "技术方案": 500,
        "成效": 300,
        "经济性": 300,
    }


def test_quota_matches_the_notice() -> None:
    assert REQ.quota.limited.limit == 4 and REQ.quota.default_limit == 7
    assert "鹰潭市、景德镇市、萍乡市、新余市、赣江新区推荐项目不多于4个，其余设区市不多于7个" in NOTICE
    assert REQ.quota.unit_of("鹰潭市工业和信息化局") == "鹰潭市"
    assert REQ.quota.unit_of("赣江新区经发局") == "赣江新区"
    assert REQ.quota.limit_for("南昌市") == 7 and REQ.quota.limit_for("新余市") == 4


def test_maturity_minimum_is_level_two() -> None:
    assert "二级及以上" in NOTICE and "GB/T 39116-2020" in NOTICE
    assert REQ.maturity.meets_minimum("二级") and REQ.maturity.meets_minimum("五级")
    assert not REQ.maturity.meets_minimum("一级") and not REQ.maturity.meets_minimum("其他")


def test_industries_are_the_template_check_boxes() -> None:
    for industry in REQ.industries:
        assert f"□{industry}" in NOTICE


def test_every_clause_text_quoted_in_the_template_exists() -> None:
    for phrase in REQ.template_leftovers.phrases:
        assert phrase.replace("***", "***") in NOTICE, phrase


def test_scene_table_links_are_exactly_the_requirement_links() -> None:
    table = load_scene_table()
    for domain in REQ.domains:
        for link in domain.links:
            assert table.by_link(link), f"场景表缺少环节 {link}"
    assert {e.link for e in table.entries} == set(REQ.all_links)
    assert {e.domain for e in table.entries} == set(REQ.domain_names)


def test_only_names_the_notice_confirms_are_marked_verified() -> None:
    table = load_scene_table()
    verified = [e.name for e in table.entries if e.verified]
    assert verified == ["人机协同作业"]
    assert "人机协同作业（参考指引中场景名称）" in NOTICE
    assert all(e.mark == "（未核实）" for e in table.entries if not e.verified)


def test_aliases_resolve_to_current_names() -> None:
    table = load_scene_table()
    assert table.lookup("智能仓储").name == "仓储智能管理"
    assert table.lookup("智能在线检测").name == "在线智能检测"
    assert table.lookup("不存在的场景") is None
    assert table.nearest("在线检测")[0].name == "在线智能检测"
