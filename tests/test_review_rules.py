"""Every review rule has a failing and a passing fixture, compared on (rule, scene, section, severity).

Fixtures are small edits of the bundled sample application, which is itself clean.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.models import Application, Scene, SceneParts
from assistant.paths import SAMPLES_DIR
from assistant.review.engine import batch_findings, review_application
from assistant.review.rulebook import RULES_DIR, load_rules

Edit = Callable[[Application], None]


def sample() -> Application:
    return Application.model_validate_json(
        (SAMPLES_DIR / "sample-application.json").read_text(encoding="utf-8")
    )


def findings_of(app: Application, rule: str) -> list[tuple]:
    return [
        (f.scene_index, f.section, f.severity.value)
        for f in review_application(app).findings
        if f.rule == rule
    ]


def first_in(app: Application, domain: str) -> Scene:
    return next(s for s in app.scenes if s.domain == domain)


def strip_security(app: Application) -> None:
    words = [
        "安全可控",
        "自主可控",
        "网络安全",
        "数据安全",
        "信息安全",
        "等级保护",
        "等保",
        "国产化",
        "工控安全",
    ]

    def clean(text: str) -> str:
        for w in words:
            text = text.replace(w, "可靠")
        return text

    app.overview, app.results, app.project_summary = (
        clean(app.overview),
        clean(app.results),
        clean(app.project_summary),
    )
    app.enterprise.profile = clean(app.enterprise.profile)
    app.attachments = clean(app.attachments)
    for scene in app.scenes:
        for key, text in scene.parts.items():
            setattr(scene.parts, key, clean(text))
        scene.instance = clean(scene.instance)


def set_part(index: int, key: str, text: str) -> Edit:
    def edit(app: Application) -> None:
        setattr(app.scenes[index - 1].parts, key, text)

    return edit


# rule → [(why, edit, expected (scene_index, section, severity) list)]
POSITIVE: dict[str, list[tuple[str, Edit, list[tuple]]]] = {
    "domain-coverage": [
        (
            "删去运营管理的场景",
            lambda a: setattr(a, "scenes", [s for s in a.scenes if s.domain != "运营管理"]),
            [(None, None, "error")],
        ),
    ],
    "link-domain-mismatch": [
        (
            "生产作业下写了供应链管理环节",
            lambda a: setattr(a.scenes[0], "link", "供应链管理"),
            [(1, None, "error")],
        ),
    ],
    "scene-name-format": [
        ("只有实例名", lambda a: setattr(a.scenes[1], "raw_title", "智能仓储建设"), [(2, None, "error")]),
        (
            "用空格分隔",
            lambda a: setattr(a.scenes[1], "raw_title", "质量管控 在线智能检测 制动钳检测"),
            [(2, None, "error")],
        ),
    ],
    "scene-unknown": [
        ("自造的场景名", lambda a: setattr(a.scenes[0], "scene", "智能验布"), [(1, None, "warning")]),
    ],
    "section-missing": [
        ("经济性为空", set_part(3, "经济性", ""), [(3, "经济性", "error")]),
        ("项目总体情况为空", lambda a: setattr(a, "overview", "  "), [(None, "总体情况", "error")]),
        (
            "加分项只写了描述：警告",
            lambda a: a.scenes.append(
                Scene(
                    domain="多环节模式创新",
                    link="多环节模式创新",
                    scene="大规模个性化定制",
                    instance="底盘件按单定制",
                    parts=SceneParts(描述="客户在线选配，订单直达排产与加工。"),
                )
            ),
            [(9, key, "warning") for key in ("痛点", "技术方案", "成效", "经济性")],
        ),
    ],
    "length-limit": [
        ("成效301字", set_part(2, "成效", "字" * 300 + "。"), [(2, "成效", "error")]),
        ("成效恰好300字是警告", set_part(2, "成效", "字" * 299 + "。"), [(2, "成效", "warning")]),
        (
            "技术方案475字是警告",
            set_part(1, "技术方案", "由江西某某科技有限公司实施" + "字" * 462),
            [(1, "技术方案", "warning")],
        ),
        (
            "企业简介超500字",
            lambda a: setattr(a.enterprise, "profile", "简" * 501),
            [(None, "企业简介", "error")],
        ),
    ],
    "unquantified-results": [
        (
            "只有日期",
            set_part(2, "成效", "项目于2024年3月上线，运行稳定，效果良好。"),
            [(2, "成效", "error")],
        ),
        (
            "只有标准号和年份",
            set_part(2, "成效", "2024年通过GB/T 39116-2020三级评估，管理水平显著提升。"),
            [(2, "成效", "error")],
        ),
    ],
    "supplier-missing": [
        (
            "换行前的标题不与“公司”连成名称",
            set_part(1, "技术方案", "一、系统组成\n公司在每台设备加装传感器，数据实时上传。"),
            [(1, "技术方案", "warning")],
        ),
        (
            "只写做了什么",
            set_part(1, "技术方案", "在每台设备加装传感器，数据接入加工中心和数据中心，实时报警。"),
            [(1, "技术方案", "warning")],
        ),
        (
            "只有模板的***公司",
            set_part(1, "技术方案", "配置上下料机器人。这一解决方案是由***公司进行改造实施。"),
            [(1, "技术方案", "warning")],
        ),
        (
            "满足公司需求不是单位",
            set_part(1, "技术方案", "配置柔性产线，满足公司多品种生产需求，系统部署在公司私有云。"),
            [(1, "技术方案", "warning")],
        ),
        (
            "提升公司管理水平、本集团不是单位",
            set_part(1, "技术方案", "上线供应链平台，提升公司供应链管理水平，由本集团统一运维。"),
            [(1, "技术方案", "warning")],
        ),
        (
            "科技不是单位",
            set_part(1, "技术方案", "采用先进的人工智能科技，实现缺陷的自动识别。"),
            [(1, "技术方案", "warning")],
        ),
    ],
    "economics-unquantified": [
        (
            "只有定性描述",
            set_part(4, "经济性", "该方案投资适中，效益明显，适合在行业推广。"),
            [(4, "经济性", "warning")],
        ),
    ],
    "draft-placeholder": [
        (
            "实例名仍是占位",
            lambda a: setattr(a.scenes[2], "instance", "（待命名）"),
            [(3, None, "error")],
        ),
        (
            "成效留着待补充",
            set_part(2, "成效", "漏检率由1.2%降至0.1%，年节约【待补充】万元。"),
            [(2, "成效", "error")],
        ),
    ],
    "template-leftover": [
        (
            "留着填写说明",
            set_part(1, "描述", "（结合要素条件进行描述，300字以内，可配图）本场景实现了换型自动化。"),
            [(1, "描述", "error")],
        ),
        (
            "企业简介留着说明",
            lambda a: setattr(
                a.enterprise, "profile", "（发展历程、主营业务、市场份额等方面基本情况，不超过500字。）"
            ),
            [(None, "企业简介", "error")],
        ),
    ],
    "chat-residue": [
        (
            "群聊里的交代和回复",
            set_part(2, "成效", "误剔率降到0.6%。这个可以写。好的，追溯系统扫码关联率目前92%。"),
            [(2, "成效", "error")],
        ),
        (
            "录音转写的语气词",
            set_part(2, "痛点", "嗯，改造前换一个规格要四五个小时，一卷料废了半卷。"),
            [(2, "痛点", "error")],
        ),
        (
            "带时间戳的群聊原话",
            set_part(3, "痛点", "2025-03-12 10:32 改造前换型依赖人工经验，平均每次换型耗时2小时。"),
            [(3, "痛点", "error")],
        ),
        (
            "沟通用语留在末尾",
            set_part(2, "经济性", "总投资320万元，年节约人工成本96万元。有问题随时找我。"),
            [(2, "经济性", "error")],
        ),
        (
            "点名的发言",
            set_part(1, "技术方案", "@张工 视觉检测系统由南昌某某智能装备有限公司实施。"),
            [(1, "技术方案", "error")],
        ),
    ],
    "duplicate-scene": [
        (
            "两个场景同名",
            lambda a: setattr(a.scenes[2], "instance", a.scenes[1].instance),
            [(3, None, "warning")],
        ),
    ],
    "maturity-level": [
        ("未勾选", lambda a: setattr(a.enterprise, "maturity", []), [(None, None, "error")]),
        ("一级", lambda a: setattr(a.enterprise, "maturity", ["一级"]), [(None, None, "error")]),
        ("只勾其他", lambda a: setattr(a.enterprise, "maturity", ["其他"]), [(None, None, "warning")]),
    ],
    "major-accident": [
        ("勾选是", lambda a: setattr(a.enterprise, "major_accident", True), [(None, None, "error")]),
    ],
    "finance-incomplete": [
        ("2023年利润空", lambda a: setattr(a.enterprise.finances[1], "profit", ""), [(None, None, "error")]),
        *[
            (
                f"2023年利润填“{mark}”",
                lambda a, mark=mark: setattr(a.enterprise.finances[1], "profit", mark),
                [(None, None, "error")],
            )
            for mark in ("—", "-", "/", "无", "暂无", "待填", " － ")
        ],
    ],
    "basic-info-missing": [
        ("手机空", lambda a: setattr(a.enterprise, "contact_mobile", ""), [(None, None, "warning")]),
        ("事故一问未答", lambda a: setattr(a.enterprise, "major_accident", None), [(None, None, "warning")]),
    ],
    "security-controllable": [
        ("全文不提安全", strip_security, [(None, None, "info")]),
    ],
    "benchmark-year-missing": [
        (
            "标杆勾是未写年份",
            lambda a: (setattr(a, "benchmark", True), setattr(a, "benchmark_year", " ")),
            [(None, None, "warning")],
        ),
    ],
}

NEGATIVE: dict[str, list[tuple[str, Edit]]] = {
    "domain-coverage": [("示例申报书", lambda a: None)],
    "link-domain-mismatch": [("质量管控在生产作业下", lambda a: setattr(a.scenes[0], "link", "质量管控"))],
    "scene-name-format": [
        (
            "破折号分隔也算三段",
            lambda a: setattr(a.scenes[1], "raw_title", "质量管控—在线智能检测—制动钳检测"),
        )
    ],
    "scene-unknown": [
        (
            "旧称智能仓储",
            lambda a: (setattr(a.scenes[3], "link", "仓储物流"), setattr(a.scenes[3], "scene", "智能仓储")),
        )
    ],
    "section-missing": [("示例申报书", lambda a: None)],
    "length-limit": [
        ("成效284字", set_part(2, "成效", "字" * 283 + "。")),
        ("英文单词按词计", set_part(2, "成效", "使用 Adobe Photoshop 打开图片" * 30)),
    ],
    "unquantified-results": [
        ("提升三成、减少一半", set_part(2, "成效", "检测效率提升三成，人工减少一半。")),
        ("由三人减少为一人", set_part(2, "成效", "每班人员由三人减少为一人。")),
    ],
    "supplier-missing": [
        ("自主研发", set_part(1, "技术方案", "视觉算法与控制软件均为自主研发，部署在产线边缘服务器。")),
        ("品牌与实施方", set_part(1, "技术方案", "采用西门子S7-1500 PLC，由江西某某智能科技有限公司实施。")),
        ("名称以服务结尾的公司", set_part(1, "技术方案", "平台由上海期智金融信息服务有限公司开发。")),
        ("大学合作", set_part(1, "技术方案", "检测算法与南昌航空大学联合开发，部署在公司私有云。")),
        ("集团提供", set_part(1, "技术方案", "窑炉控制系统由中国建材集团提供。")),
        ("企业自主完成", set_part(1, "技术方案", "排产模型由企业自主建模并上线运行。")),
    ],
    "economics-unquantified": [
        ("只写回收期", set_part(4, "经济性", "投资回收期约2.5年，适合同行推广。")),
        ("只写投资额", set_part(4, "经济性", "总投资500万元，方案通用。")),
    ],
    "draft-placeholder": [
        ("说明待补充的做法不算占位", set_part(2, "描述", "对尚待补充完善的工序，计划于2025年接入平台。")),
    ],
    "template-leftover": [
        (
            "引用要素条件原文不算",
            set_part(1, "描述", "围绕要素条件要求，实现关键装备异常预警、关键工序数据在线分析。"),
        ),
    ],
    "chat-residue": [
        (
            "配比与班次时间不是时间戳",
            set_part(1, "描述", "按3:6:1配比投料，夜班22:00至次日6:00由系统自动排产。"),
        ),
        (
            "邮箱地址不是点名",
            set_part(1, "技术方案", "平台由江西某某软件有限公司实施，运维邮箱 ops@example.com。"),
        ),
        ("辛苦不是辛苦了", set_part(2, "痛点", "改造前质检员工作辛苦，漏检率达1.2%。")),
        ("句中的“好的”不是回复", set_part(2, "成效", "系统运行后取得了良好的效果，检测结果好的一面是稳定。")),
        ("引号里引述的口头语", set_part(2, "描述", "过去看火工凭“嗯、差不多”的经验调温，现由系统自动给定。")),
    ],
    "duplicate-scene": [("示例申报书", lambda a: None)],
    "maturity-level": [("二级", lambda a: setattr(a.enterprise, "maturity", ["二级"]))],
    "major-accident": [("勾选否", lambda a: setattr(a.enterprise, "major_accident", False))],
    "finance-incomplete": [
        ("示例申报书", lambda a: None),
        ("亏损是数字", lambda a: setattr(a.enterprise.finances[1], "profit", "-1,250")),
        ("利润为0", lambda a: setattr(a.enterprise.finances[1], "profit", "0")),
    ],
    "basic-info-missing": [("示例申报书", lambda a: None)],
    "benchmark-year-missing": [
        (
            "标杆勾是并写了年份",
            lambda a: (setattr(a, "benchmark", True), setattr(a, "benchmark_year", "2023")),
        ),
        ("标杆勾否", lambda a: setattr(a, "benchmark", False)),
        ("标杆未勾", lambda a: setattr(a, "benchmark", None)),
    ],
    "security-controllable": [
        (
            "只在一个场景提到数据安全",
            lambda a: (
                strip_security(a),
                set_part(1, "技术方案", a.scenes[0].parts.技术方案 + "数据安全按等保二级建设。")(a),
            ),
        )
    ],
}


def test_the_sample_application_is_clean() -> None:
    report = review_application(sample())
    assert report.findings == [] and report.ok


@pytest.mark.parametrize(
    ("rule", "why", "edit", "expected"),
    [(rule, why, edit, exp) for rule, cases in POSITIVE.items() for why, edit, exp in cases],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_rule_fires(rule: str, why: str, edit: Edit, expected: list[tuple]) -> None:
    app = sample()
    edit(app)
    assert findings_of(app, rule) == expected, why


@pytest.mark.parametrize(
    ("rule", "why", "edit"),
    [(rule, why, edit) for rule, cases in NEGATIVE.items() for why, edit in cases],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_rule_stays_quiet(rule: str, why: str, edit: Edit) -> None:
    app = sample()
    edit(app)
    assert findings_of(app, rule) == [], why


def test_every_rule_has_fixtures_both_ways_and_cites_a_clause() -> None:
    ids = {path.stem for path in RULES_DIR.glob("*.yaml")}
    assert ids == {rule.id for rule in load_rules()}
    # Scene and application rules: fixtures above; batch rules: BATCH_FIXTURES below, across
    # applications; model-judged rules: tests/test_llm_review.py, one reply item kept and one dropped each.
    one_application = {r.id for r in load_rules() if r.scope in ("scene", "application")}
    assert one_application == set(POSITIVE) == set(NEGATIVE)
    assert {r.id for r in load_rules() if r.scope == "batch"} == set(BATCH_FIXTURES)
    documented = (Path(__file__).parents[1] / "evals" / "review" / "RULES.md").read_text(encoding="utf-8")
    for rule in load_rules():
        assert rule.clause and rule.message and rule.suggestion
        row = f"| {rule.id} |" if rule.scope != "model-judged" else rule.id
        assert row in documented, f"{rule.id} 在 evals/review/RULES.md 中没有说明"


def test_findings_carry_location_evidence_fix_and_clause() -> None:
    app = sample()
    set_part(2, "成效", "字" * 320)(app)
    (f,) = [f for f in review_application(app).findings if f.rule == "length-limit"]
    assert f.scene == app.scenes[1].title and f.section == "成效"
    assert f.evidence == "320字 / 上限300字" and "删减至少 20 字" in f.suggestion
    assert "300字以内" in f.clause


def test_scene_unknown_suggests_nearest_names_with_their_marks() -> None:
    app = sample()
    app.scenes[1].scene = "在线检测"
    (f,) = [f for f in review_application(app).findings if f.rule == "scene-unknown"]
    assert "在线智能检测（未核实）" in f.suggestion


def quota_findings(apps: list[Application]) -> list:
    return [f for f in batch_findings(apps) if f.rule == "quota-exceeded"]


def duplicate_application_findings(apps: list[Application], files: list[str] | None = None) -> list:
    return [f for f in batch_findings(apps, files) if f.rule == "duplicate-application"]


def _apps(n: int, recommender: str, benchmark_first: bool = False) -> list[Application]:
    apps = []
    for i in range(n):
        app = Application(applicant=f"企业{i}", recommender=recommender, benchmark=benchmark_first and i == 0)
        app.scenes = [
            Scene(
                domain="生产作业",
                link="质量管控",
                scene="在线智能检测",
                instance="x",
                parts=SceneParts(描述="a"),
            )
        ]
        apps.append(app)
    return apps


@pytest.mark.parametrize(
    ("apps", "fires"),
    [
        (_apps(5, "鹰潭市工信局"), True),
        (_apps(5, "鹰潭市工业和信息化局", benchmark_first=True), False),
        (_apps(4, "赣江新区经发局"), False),
        (_apps(7, "南昌市工信局"), False),
        (_apps(8, "南昌市工信局"), True),
        (_apps(4, "新余市工信局") + _apps(4, "萍乡市工信局"), False),
    ],
)
def test_quota_across_a_batch(apps: list[Application], fires: bool) -> None:
    found = quota_findings(apps)
    assert bool(found) == fires
    if fires:
        assert found[0].rule == "quota-exceeded" and found[0].severity.value == "error"


def test_the_same_applicant_twice_is_listed_and_counted_once() -> None:
    apps = _apps(4, "鹰潭市工信局") + _apps(1, "鹰潭工信局")
    apps[4].applicant = " 企业０ "  # 企业0 again, typed with a full-width digit and spaces
    files = [f"d{i}.docx" for i in range(5)]
    (dup,) = duplicate_application_findings(apps, files)
    assert dup.rule == "duplicate-application" and dup.severity.value == "warning"
    assert "企业0" in dup.message and "2 次" in dup.message and dup.evidence == "d0.docx、d4.docx"
    assert quota_findings(apps) == []  # four distinct applicants: within 鹰潭市's four


def test_different_applicants_are_not_duplicates_and_a_fifth_exceeds_the_quota() -> None:
    apps = _apps(5, "鹰潭市工信局")
    assert duplicate_application_findings(apps) == []
    (over,) = quota_findings(apps)
    assert "5 个项目" in over.message


@pytest.mark.parametrize(
    ("rule_file", "good", "bad"),
    [
        ("economics-unquantified.yaml", "window:", "windw:"),
        ("length-limit.yaml", "near_severity:", "near_severty:"),
    ],
)
def test_a_misspelt_rule_parameter_fails_with_file_line_and_allowed_keys(
    tmp_path: Path, rule_file: str, good: str, bad: str
) -> None:
    from assistant.errors import ConfigError
    from assistant.review.rulebook import RULES_DIR, load_rule

    text = (RULES_DIR / rule_file).read_text(encoding="utf-8")
    assert good in text
    broken = tmp_path / rule_file
    broken.write_text(text.replace(good, bad), encoding="utf-8")
    line = next(
        n for n, row in enumerate(broken.read_text(encoding="utf-8").splitlines(), 1) if row.startswith(bad)
    )
    with pytest.raises(ConfigError) as caught:
        load_rule(broken)
    message = str(caught.value)
    assert rule_file in message and f"第{line}行" in message and bad.rstrip(":") in message
    assert good.rstrip(":") in message  # the allowed keys are listed


def test_rule_defaults_live_in_the_params_models_only() -> None:
    import inspect

    from assistant.review import checks

    source = inspect.getsource(checks)
    assert "rule.param(" not in source  # checks read typed parameters; no second default in code


# Batch rules' fixtures both ways: (applications, their files) that fire the rule, and that do not.
def _same_applicant_twice() -> list[Application]:
    apps = _apps(2, "南昌市工信局")
    apps[1].applicant = "企业 0"
    return apps


BATCH_FIXTURES: dict[str, tuple[list[Application], list[Application]]] = {
    "quota-exceeded": (_apps(5, "鹰潭市工信局"), _apps(4, "鹰潭市工信局")),
    "duplicate-application": (_same_applicant_twice(), _apps(2, "南昌市工信局")),
}


@pytest.mark.parametrize("rule", sorted(BATCH_FIXTURES))
def test_batch_rule_fires_and_stays_quiet(rule: str) -> None:
    fires, quiet = BATCH_FIXTURES[rule]
    assert [f.rule for f in batch_findings(fires)] == [rule]
    assert batch_findings(quiet) == []


def _write_rule(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _line_starting(path: Path, prefix: str) -> int:
    rows = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, row in enumerate(rows, 1) if row.startswith(prefix))


def test_a_rule_with_an_unknown_scope_fails_with_file_line_and_allowed_scopes(tmp_path: Path) -> None:
    from assistant.errors import ConfigError
    from assistant.review.rulebook import load_rule

    text = (RULES_DIR / "supplier-missing.yaml").read_text(encoding="utf-8")
    broken = _write_rule(tmp_path, "supplier-missing.yaml", text.replace("scope: scene", "scope: scenes"))
    with pytest.raises(ConfigError) as caught:
        load_rule(broken)
    message = str(caught.value)
    assert "supplier-missing.yaml" in message and f"第{_line_starting(broken, 'scope:')}行" in message
    assert "scene、application、batch、model-judged" in message


@pytest.mark.parametrize(
    ("rule_file", "old", "new", "key", "says"),
    [
        # A check kind serves only its own scopes: the quota check needs a batch.
        ("quota-exceeded.yaml", "scope: batch", "scope: application", "scope", "batch"),
        ("major-accident.yaml", "scope: application", "scope: model-judged", "scope", "application"),
        # A model's finding is advice: a warning at most.
        ("llm-buzzwords.yaml", "severity: warning", "severity: error", "severity", "warning"),
        # Only a scene rule can guard a drafted scene.
        ("major-accident.yaml", "clause:", "drafting: {guards: all}\nclause:", "drafting", "scene"),
        # A question for when the material lacks something needs to say what.
        ("supplier-missing.yaml", "  needs: supplier\n", "", "drafting", "needs"),
        ("scene-name-format.yaml", "kind: title-format", "kind: title-formats", "kind", "title-format"),
    ],
)
def test_a_rule_that_does_not_fit_its_scope_fails_with_file_and_line(
    tmp_path: Path, rule_file: str, old: str, new: str, key: str, says: str
) -> None:
    from assistant.errors import ConfigError
    from assistant.review.rulebook import load_rule

    text = (RULES_DIR / rule_file).read_text(encoding="utf-8")
    assert old in text
    broken = _write_rule(tmp_path, rule_file, text.replace(old, new))
    with pytest.raises(ConfigError) as caught:
        load_rule(broken)
    message = str(caught.value)
    assert rule_file in message and f"第{_line_starting(broken, key + ':')}行" in message and says in message


def test_a_drafter_question_naming_a_rule_without_one_fails_with_file_and_line(tmp_path: Path) -> None:
    from assistant.errors import ConfigError
    from assistant.review.rulebook import load_rules

    for path in RULES_DIR.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if path.name == "section-missing.yaml":
            text = text.replace("经济性: economics-unquantified", "经济性: template-leftover")
        _write_rule(tmp_path, path.name, text)
    with pytest.raises(ConfigError) as caught:
        load_rules(tmp_path)
    line = _line_starting(tmp_path / "section-missing.yaml", "    经济性:")
    assert "section-missing.yaml" in str(caught.value) and f"第{line}行" in str(caught.value)
    assert "template-leftover" in str(caught.value)


def test_every_rule_runs_in_the_stage_of_its_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each stage runs exactly the rules of its scopes: review_application the scene and application
    rules, batch_findings the batch rules, the drafter's guard the scene rules that guard, the model
    pass the model-judged ones."""
    from dataclasses import replace

    from assistant.drafting.guards import rule_findings
    from assistant.review.kinds import KINDS
    from assistant.review.llm_pass import _rules_text, load_llm_rules

    ran: list[str] = []

    def recording(kind):
        def run(rule, ctx):
            ran.append(rule.id)
            return kind.run(rule, ctx)

        return run

    for name, kind in list(KINDS.items()):
        if kind.run is not None:
            monkeypatch.setitem(KINDS, name, replace(kind, run=recording(kind)))
    rules = load_rules()

    def in_scope(*scopes: str) -> list[str]:
        return sorted(r.id for r in rules if r.scope in scopes)

    review_application(sample())
    assert sorted(ran) == in_scope("scene", "application")
    ran.clear()
    batch_findings([sample(), sample()])
    assert sorted(ran) == in_scope("batch")
    ran.clear()
    rule_findings(sample().scenes[0])
    guards = sorted(r.id for r in rules if r.drafting.guards)
    assert sorted(ran) == guards and set(guards) <= set(in_scope("scene"))
    assert "length-limit" in guards and "draft-placeholder" not in guards
    model = load_llm_rules()
    assert sorted(model) == in_scope("model-judged")
    assert all(f"- {rule_id}（" in _rules_text(model) for rule_id in model)
    assert not {r.kind for r in rules if r.scope == "model-judged"} & {
        name for name, kind in KINDS.items() if kind.run is not None
    }
