"""Bad files: every hostile input (made here, at test time) gets a clear Chinese message or is read
correctly; a bad file never stops a batch; a fuzz run over mutated .docx bytes raises nothing but
InputError. Timing and memory per file are measured in ``benchmarks/reliability.py``, not here."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.application_reader import read_application
from assistant.errors import InputError
from assistant.models import Application
from assistant.paths import ROOT
from assistant.readers import read_text
from assistant.review.engine import review_application, review_batch, review_file
from testkit import hostile_files
from testkit.hostile_files import GBK_TEXT, HostileFile, read_case, sample_docx_bytes

CJK = re.compile(r"[\u4e00-\u9fff]")
CASES = {name: None for name in hostile_files.case_names()}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[HostileFile, Path]]:
    folder = tmp_path_factory.mktemp("hostile")
    return {case.name: (case, path) for case, path in hostile_files.make_all(folder)}


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )


@pytest.mark.parametrize("name", list(CASES))
def test_each_hostile_file_is_refused_in_chinese_or_read(hostile, name: str) -> None:
    case, path = hostile[name]
    if case.expect == "refuse":
        with pytest.raises(InputError) as caught:
            read_case(case, path)
        message = str(caught.value)
        assert case.message in message and CJK.search(message)
        assert path.name in message  # the user is told which file
    else:
        assert read_case(case, path)


def test_gbk_text_is_decoded_not_rejected(hostile) -> None:
    _, path = hostile["gbk.txt"]
    assert read_text(path) == GBK_TEXT


def test_a_ten_thousand_paragraph_application_is_reviewed_with_findings(hostile) -> None:
    _, path = hostile["long-application.docx"]
    report = review_file(path)
    assert report.error is None and report.application is not None
    assert any("超出" in f.message or "上限" in f.message for f in report.findings)


def test_a_big_document_with_photos_is_read(hostile) -> None:
    _, path = hostile["big-50mb.docx"]
    assert path.stat().st_size > 45 * 1024 * 1024
    app = read_application(path)
    assert app.scenes and app.project_name


def test_a_bomb_that_lies_about_its_size_is_never_inflated_in_full(hostile) -> None:
    """document.xml claims 2 KB and inflates to 64 MB: memory must stay near the claim, not the truth."""
    import tracemalloc

    _, path = hostile["lying-bomb.docx"]
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="损坏"):
            read_application(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB allocated"


def test_limits_come_from_settings(hostile, monkeypatch: pytest.MonkeyPatch) -> None:
    _, long_app = hostile["long-application.docx"]
    read_application(long_app)  # read under the default limits …
    monkeypatch.setenv("ASSISTANT_MAX_XML_MB", "0")
    with pytest.raises(InputError, match="ASSISTANT_MAX_XML_MB"):  # … refused under a tighter one
        read_application(long_app)
    monkeypatch.setenv("ASSISTANT_MAX_INPUT_MB", "0")
    with pytest.raises(InputError, match="ASSISTANT_MAX_INPUT_MB"):
        read_text(hostile["gbk.txt"][1])
    monkeypatch.setenv("ASSISTANT_MAX_INPUT_MB", "50")
    monkeypatch.setenv("ASSISTANT_MAX_UNZIPPED_MB", "300")
    monkeypatch.setenv("ASSISTANT_MAX_XML_MB", "300")
    # With the limits raised the bomb is no longer refused for size: the limit, not luck, refused it.
    with pytest.raises(InputError) as caught:
        read_application(hostile["bomb.docx"][1])
    assert "解压后过大" not in str(caught.value)


def test_table_nesting_limit_is_configurable(hostile, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_MAX_TABLE_NESTING", "50")
    with pytest.raises(InputError, match="不是先进级智能工厂申报书"):  # read fine, just not a 申报书
        read_application(hostile["nested-40.docx"][1])


def test_a_batch_reviews_the_good_files_and_reports_every_bad_one(hostile, tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    good.write_bytes(sample_docx_bytes())
    bad = [hostile[n][1] for n in ("truncated.docx", "bomb.docx", "encrypted.docx", "empty.docx")]
    batch = review_batch([good, *bad])
    assert [Path(r.file).name for r in batch.reports] == ["good.docx", *[p.name for p in bad]]
    assert batch.reports[0].error is None and batch.reports[0].application is not None
    assert all(r.error and CJK.search(r.error) for r in batch.reports[1:])
    assert batch.exit_code == 2


def test_a_bug_while_reading_one_file_does_not_stop_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.review.engine as engine

    good, broken = tmp_path / "a.docx", tmp_path / "b.docx"
    good.write_bytes(sample_docx_bytes())
    broken.write_bytes(sample_docx_bytes())
    real = engine.read_document

    def flaky(path: Path, progress=None):
        if path.name == "b.docx":
            raise KeyError("simulated bug")
        return real(path, progress)

    monkeypatch.setattr(engine, "read_document", flaky)
    batch = review_batch([good, broken])
    assert batch.reports[0].error is None
    assert "内部错误" in (batch.reports[1].error or "") and "KeyError" in (batch.reports[1].error or "")


def test_cli_review_reviews_the_good_file_and_reports_the_bad_one(hostile, tmp_path: Path) -> None:
    good = tmp_path / "a.docx"
    good.write_bytes(sample_docx_bytes())
    result = run("review", str(good), str(hostile["encrypted.docx"][1]), "--format", "json")
    assert result.returncode == 2, result.stderr
    reports = {Path(r["file"]).name: r for r in json.loads(result.stdout) if r["file"]}
    assert "error" not in reports["a.docx"] and reports["a.docx"]["verdict"]
    assert "密码" in reports["encrypted.docx"]["error"]


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("parse", "bomb.docx"),
        ("parse", "nested-100.docx"),
        ("parse", "wps.docx"),
        ("count", "encrypted.docx"),
        ("count", "too-big.txt"),
        ("review", "corrupt.docx"),
    ],
)
def test_cli_bad_file_is_one_chinese_line_and_exit_2(hostile, command: str, name: str) -> None:
    case, path = hostile[name]
    result = run(command, str(path))
    assert result.returncode == 2, result.stdout + result.stderr
    out = result.stderr if command != "review" else result.stdout + result.stderr
    assert case.message in out and "Traceback" not in out


@pytest.mark.parametrize("span", ["x", "99999999999", "-4"])
def test_hostile_grid_spans_neither_raise_nor_loop(tmp_path: Path, span: str) -> None:
    from assistant.review.annotate import annotate_docx

    xml = hostile_files.sample_members()["word/document.xml"].decode()
    xml = xml.replace('<w:gridSpan w:val="4"/>', f'<w:gridSpan w:val="{span}"/>')
    assert span in xml
    path = tmp_path / "span.docx"
    path.write_bytes(
        hostile_files.zip_bytes({**hostile_files.sample_members(), "word/document.xml": xml.encode()})
    )
    assert "周立衡" in read_text(path)  # the basic-information table is still read
    report = review_file(path)
    assert report.error is None and report.application and report.application.enterprise.name
    annotate_docx(path, report, tmp_path / "out.docx")
    assert (tmp_path / "out.docx").stat().st_size > 0


# ---- fuzz ------------------------------------------------------------------------------------------------------
# Two mutators: raw bytes of a real .docx (truncation, overwrites: the zip layer), and tree edits of
# the document.xml inside a well-formed zip — elements deleted, duplicated, moved, attributes and text
# set to odd values — so the fuzz reaches the paragraph, table and 申报书 readers, not only the parser.


def _only_input_errors(path: Path) -> None:
    """Read as a 申报书 (and review what was read) and as plain text: InputError or success, nothing else."""
    for reader in (read_application, read_text):
        try:
            result = reader(path)
        except InputError as err:
            assert str(err) and CJK.search(str(err))
            continue
        if isinstance(result, Application):
            review_application(result)


FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same cases on every run: CI stays reproducible
)


@FUZZ
@given(
    cut=st.one_of(st.none(), st.integers(min_value=0, max_value=60_000)),
    edits=st.lists(st.tuples(st.integers(min_value=0, max_value=60_000), st.binary(min_size=1, max_size=16))),
)
def test_fuzz_raw_docx_bytes_raise_only_input_error(tmp_path: Path, cut, edits) -> None:
    path = tmp_path / "fuzz.docx"
    path.write_bytes(hostile_files.mutate_bytes(sample_docx_bytes(), edits, cut))
    _only_input_errors(path)


@FUZZ
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(hostile_files.XML_OPS),
            st.floats(min_value=0, max_value=1, allow_nan=False),
            st.floats(min_value=0, max_value=1, allow_nan=False),
            st.integers(min_value=0, max_value=1000),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_fuzz_document_xml_raises_only_input_error(tmp_path: Path, edits) -> None:
    seed = hostile_files.sample_members()
    members = {**seed, "word/document.xml": hostile_files.mutate_xml(seed["word/document.xml"], edits)}
    path = tmp_path / "fuzz.docx"
    path.write_bytes(hostile_files.zip_bytes(members, zipfile.ZIP_STORED))
    _only_input_errors(path)


def test_a_broken_workbook_is_told_in_chinese_without_the_libraries_english(tmp_path: Path) -> None:
    broken = tmp_path / "指标表.xlsx"
    broken.write_bytes(b"PK\x03\x04not a workbook")
    result = run("draft", str(broken))
    assert result.returncode == 2 and "指标表.xlsx 不是有效的 Excel 文件" in result.stderr, result.stderr
    assert not re.search(r"BadZipFile|Error\b|Traceback", result.stdout + result.stderr)


@pytest.mark.parametrize("command", ["draft", "review"])
def test_a_broken_pdf_is_told_in_chinese_without_the_libraries_english(tmp_path: Path, command: str) -> None:
    broken = tmp_path / "检测报告.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n")  # cut off: no xref, no %%EOF
    result = run(command, str(broken))
    said = result.stdout + result.stderr
    assert "检测报告.pdf" in said and "不是有效的 PDF 文件" in said, said
    assert not re.search(r"EOF marker|invalid pdf header|Exception|Error\b", said), said
