import pytest

from assistant.text import extract_changes, extract_quantities, has_metric


def metrics(text: str) -> list[tuple[str, float, str]]:
    return [(q.kind, round(q.value, 2), q.unit) for q in extract_quantities(text) if q.is_metric]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("加工效率提升了30%", [("percent", 30, "%")]),
        ("良率提升２个百分点", [("points", 2, "个百分点")]),
        ("效率提升三成", [("fraction", 30, "%")]),
        ("人工减少一半", [("fraction", 50, "%")]),
        ("产能翻倍", [("multiple", 2, "倍")]),
        ("总投资两千万元", [("money", 20_000_000, "元")]),
        ("总投资1,200万元", [("money", 12_000_000, "元")]),
        ("年节约电费１２０万元", [("money", 1_200_000, "元")]),
        ("投资1.2亿元", [("money", 120_000_000, "元")]),
        ("节约成本300余万元", [("money", 3_000_000, "元")]),
        ("每班次节省2小时", [("duration", 2, "小时")]),
        ("投资回收期3年", [("duration", 3, "年")]),
        ("新增设备 100 台", [("count", 100, "台")]),
        ("合格率三分之二以上", [("fraction", 66.67, "%")]),
        ("生产效率提高了百分之三十", [("percent", 30, "%")]),
        ("能耗降低百分之十五", [("percent", 15, "%")]),
        ("一次合格率达到百分之八十五点五", [("percent", 85.5, "%")]),
        ("数据采集覆盖率百分之百", [("percent", 100, "%")]),
        ("不良率控制在千分之三以内", [("percent", 3, "‰")]),
    ],
)
def test_metric_figures(text: str, expected: list[tuple[str, float, str]]) -> None:
    assert metrics(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2024年完成建设并投入使用",
        "2024年5月6日正式上线",
        "项目于5月6日前验收",
        "通过GB/T 39116-2020评估",
        "部署5G网络和S7-1500 PLC",
        "成熟度达到二级",
        "第3条要求",
        "（1）场景描述",
        "近三年经营良好",
        "一体化平台",
        "ISO 9001认证",
    ],
)
def test_years_dates_codes_and_numbering_are_not_metrics(text: str) -> None:
    assert not has_metric(text), metrics(text)


def test_years_are_recorded_as_years() -> None:
    kinds = [q.kind for q in extract_quantities("2022年至2024年营收增长")]
    assert kinds == ["year", "year"]


@pytest.mark.parametrize(
    ("text", "before", "after", "unit"),
    [
        ("OEE由65%提升至82%", 65, 82, "%"),
        ("操作人员已从5人减少至2人", 5, 2, "人"),
        ("库存周转天数由45天缩短至30天", 45, 30, "天"),
        ("一次合格率从98.2%提高到99.6%", 98.2, 99.6, "%"),
        ("换型时间由四小时缩短至一小时", 4, 1, "小时"),
        ("由三人减少为一人", 3, 1, "人"),
    ],
)
def test_before_after_pairs(text: str, before: float, after: float, unit: str) -> None:
    (change,) = extract_changes(text)
    assert (change.before.value, change.after.value, change.after.unit) == (before, after, unit)


def test_relative_change_of_a_pair() -> None:
    (change,) = extract_changes("从5人减少至2人")
    assert change.relative == pytest.approx(-60)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("上线前（2024年1–6月）良率94.3%", "2024年1–6月"),
        ("2023年3月至12月累计节电", "2023年3月至12月"),
        ("1-6月平均交期", "1-6月"),
    ],
)
def test_a_span_of_months_is_one_period_not_two_figures(text: str, period: str) -> None:
    found = extract_quantities(text)
    assert [q.text for q in found if q.kind == "date"] == [period]
    assert all(q.kind != "plain" for q in found)


def test_a_contract_number_holds_no_date() -> None:
    assert extract_quantities("合同号 JC-2023-1106") == []
    assert [q.text for q in extract_quantities("于2024-04投产")] == ["2024-04"]


def test_percent_in_words_makes_a_before_after_change() -> None:
    (change,) = extract_changes("合格率由百分之九十提升至百分之九十八。")
    assert (change.before.value, change.after.value, change.after.unit) == (90, 98, "%")
    assert has_metric("提高了百分之三十")


def test_percent_words_need_a_number_and_leave_percentage_points_alone() -> None:
    assert extract_quantities("按百分之的比例") == []
    assert metrics("良率提升2个百分点") == [("points", 2, "个百分点")]
    assert metrics("良率提升百分之二") == [("percent", 2, "%")]


def test_a_spoken_amount_per_year_is_the_amount_not_one_number_with_the_year() -> None:
    quantities = extract_quantities("一年能省四十七万一年，投了一百二十多万")
    assert [(q.text, q.value) for q in quantities] == [("四十七万", 470000.0), ("一百二十多万", 1200000.0)]
    assert quantities[1].kind == "money"
    assert [q.value for q in extract_quantities("三万一千元")] == [31000.0]


def test_half_units_and_spoken_paybacks_are_figures_while_prose_years_are_not() -> None:
    said = {q.text: q.value for q in extract_quantities("放行从三天缩短到一天半，回收期两年半左右")}
    assert said == {"三天": 3.0, "一天半": 1.5, "两年半": 2.5}
    assert extract_quantities("近三年推进三年行动") == []


def test_orders_and_incidents_are_counted_but_words_that_begin_with_their_unit_are_not() -> None:
    said = [(q.text, q.value) for q in extract_quantities("紧急采购单数30.3单，错标混批由三起降至零起")]
    assert said == [("30.3单", 30.3), ("三起", 3.0), ("零起", 0.0)]
    for prose in ("大家一起努力", "3单元", "5单位", "零件"):
        assert extract_quantities(prose) == [], prose


def test_a_per_mille_rate_is_a_tenth_of_a_percent_and_its_change_is_told_relatively() -> None:
    from assistant.drafting.compose import pair_sentence
    from assistant.drafting.facts import MetricPair
    from assistant.drafting.figures import base_value

    eight, five = extract_quantities("千分之八，万分之五")
    assert (base_value(eight), base_value(five)) == (0.8, 0.05)  # 千分之八 is 0.8%, never 8%
    said = pair_sentence(MetricPair(metric="不良率", before="3‰", after="1‰"))
    assert said == "不良率由3‰降至1‰，降幅66.7%"  # not "下降2个百分点": 3‰→1‰ is 0.2 of a point
