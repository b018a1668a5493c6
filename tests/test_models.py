import json

from assistant.models import Application, Enterprise, Finding, Report, Scene, SceneParts, Severity


def make_application() -> Application:
    scene = Scene(
        domain="生产作业",
        link="质量管控",
        scene="在线智能检测",
        instance="压铸件外观缺陷视觉检测",
        parts=SceneParts(描述="在压铸线末端部署视觉检测。", 成效="漏检率由3%降至0.5%。"),
        gaps=["统计周期"],
        questions=["请提供统计周期"],
    )
    return Application(
        project_name="示例项目",
        applicant="示例公司",
        benchmark=False,
        enterprise=Enterprise(name="示例公司", maturity=["三级"], major_accident=False),
        scenes=[scene, Scene(domain="运营管理", raw_title="智能仓储建设")],
    )


def test_application_json_round_trips_losslessly() -> None:
    app = make_application()
    again = Application.model_validate_json(app.model_dump_json())
    assert again == app
    assert again.model_dump_json() == app.model_dump_json()


def test_scene_json_carries_title_and_reads_back() -> None:
    scene = make_application().scenes[0]
    data = json.loads(scene.model_dump_json())
    assert data["title"] == "质量管控-在线智能检测-压铸件外观缺陷视觉检测"
    assert set(data["parts"]) == {"描述", "痛点", "技术方案", "成效", "经济性"}
    assert Scene.model_validate(data) == scene


def test_a_malformed_document_title_is_kept_as_raw_title() -> None:
    scene = Scene.model_validate({"domain": "生产管理", "title": "智能仓储建设"})
    assert scene.raw_title == "智能仓储建设" and scene.title == "智能仓储建设"


def test_summary_line_has_the_template_form() -> None:
    scene = make_application().scenes[0]
    assert (
        scene.summary_line() == "质量管控（环节名）-在线智能检测（场景名）-压铸件外观缺陷视觉检测（实例名）"
    )


def test_default_finances_cover_the_three_years() -> None:
    assert [f.year for f in Enterprise().finances] == [2022, 2023, 2024]


def test_report_round_trips_with_findings() -> None:
    finding = Finding(
        rule="length-limit",
        severity=Severity.error,
        message="超出字数",
        scene_index=1,
        scene="x",
        section="成效",
        evidence="320字",
        suggestion="删减20字",
        clause="附件2",
    )
    report = Report(file="a.docx", ok=False, findings=[finding])
    again = Report.model_validate_json(report.model_dump_json())
    assert again == report and again.errors == [finding] and again.warnings == []
    assert finding.location() == "场景1「x」 · 成效"


def test_covered_domains_ignore_empty_scenes() -> None:
    assert make_application().covered_domains() == ["生产作业"]


ORDER = ["设计研发", "生产作业", "运营管理", "智慧供应链建设"]


def test_a_placed_scene_goes_last_in_its_domain_without_drafting_notes() -> None:
    app = make_application()  # 生产作业 then 运营管理
    draft = Scene(domain="设计研发", raw_title="协同设计", gaps=["周期"], questions=["?"])
    placed = app.place_scene(draft, ORDER)
    assert [s.domain for s in app.scenes] == ["设计研发", "生产作业", "运营管理"]
    assert placed.gaps == [] and placed.questions == [] and draft.gaps == ["周期"]
    second = app.place_scene(Scene(domain="生产作业", raw_title="设备预测维护"), ORDER)
    assert [s.title for s in app.scenes_in("生产作业")][-1] == second.title  # after the one already there


def test_placing_again_replaces_where_it_was_placed_before() -> None:
    app = make_application()
    first = app.place_scene(Scene(domain="生产作业", raw_title="旧标题"), ORDER)
    app.place_scene(Scene(domain="运营管理", raw_title="新标题"), ORDER, replacing=first.title)
    titles = [s.title for s in app.scenes]
    assert first.title not in titles and len(app.scenes) == 3
    assert [s.domain for s in app.scenes] == ["生产作业", "运营管理", "运营管理"]


def test_an_updated_scene_keeps_its_place_or_moves_with_its_domain() -> None:
    app = make_application()
    title = app.scenes[1].title
    moved = app.update_scene(title, Scene(domain="设计研发", raw_title="改后", gaps=["x"]), ORDER)
    assert moved is not None and moved.gaps == []
    assert [s.domain for s in app.scenes] == ["设计研发", "生产作业"]
    assert app.update_scene("没有这一节", Scene(domain="生产作业"), ORDER) is None


def test_unknown_domains_go_last_and_the_sort_is_stable() -> None:
    app = Application(
        scenes=[
            Scene(domain="别的", raw_title="a"),
            Scene(domain="运营管理", raw_title="b"),
            Scene(domain="生产作业", raw_title="c"),
            Scene(domain="运营管理", raw_title="d"),
        ]
    )
    app.order_scenes(ORDER)
    assert [s.raw_title for s in app.scenes] == ["c", "b", "d", "a"]
