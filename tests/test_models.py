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
