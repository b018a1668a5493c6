"""No data loss: a process killed (SIGKILL) in the middle of a save leaves the previous version
readable and valid; exports and reports never overwrite an existing file unless --overwrite."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant.paths import ROOT, SAMPLES_DIR
from assistant.projects import ProjectStore

# The child saves version 1, 2, 3 … of a ~1 MB JSON document. It announces "saved N" after each
# save returns; with a pause point it also stops *inside* save N+1 (after the data is written, at
# fsync or just before the rename) and says so, so the kill lands mid-save every time.
CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path
    from assistant import storage

    target, pause = Path(sys.argv[1]), sys.argv[2]
    version = 0

    def hold(where):
        print(f"inside {where} of save {version}", flush=True)
        time.sleep(60)  # killed here

    if pause == "fsync":
        real_fsync = os.fsync
        def fsync(fd):
            if version >= 3:
                hold("fsync")
            return real_fsync(fd)
        os.fsync = fsync
    elif pause == "replace":
        real_replace = os.replace
        def replace(a, b):
            if version >= 3:
                hold("replace")
            return real_replace(a, b)
        os.replace = replace

    while True:
        version += 1
        storage.atomic_write_json(target, {"version": version, "body": "申报书" * 350_000})
        print(f"saved {version}", flush=True)
    """
)


def kill_mid_save(target: Path, pause: str, saves_before_kill: int = 3) -> int:
    """Run the child until it is inside a save (or has made ``saves_before_kill`` saves), SIGKILL it,
    and return the last version it reported saved."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(target), pause],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    last = 0
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("saved"):
                last = int(line.split()[1])
                if pause == "none" and last >= saves_before_kill:
                    break
            elif line.startswith("inside"):
                break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return last


@pytest.mark.parametrize("pause", ["fsync", "replace", "none"])
def test_sigkill_during_a_save_leaves_the_previous_version_readable(tmp_path: Path, pause: str) -> None:
    target = tmp_path / "project.json"
    last = kill_mid_save(target, pause)
    assert last >= 2
    data = json.loads(target.read_text(encoding="utf-8"))  # valid JSON, never a torn file
    if pause == "none":
        assert data["version"] >= last  # a save the child reported is never lost
    else:
        assert data["version"] == last  # the save in progress never replaced the previous version
    assert data["body"] == "申报书" * 350_000


# Projects themselves are in the database now: SIGKILL mid-write is tested in test_projects_db.py.


# ---- exports never overwrite silently --------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, timeout=180, cwd=ROOT
    )


SAMPLE = str(SAMPLES_DIR / "sample-application.json")
COMMANDS = {
    "export --docx": ("out.docx", ["export", SAMPLE, "--docx", "{out}"]),
    "export --summary": ("row.xlsx", ["export", SAMPLE, "--summary", "{out}"]),
    "summary --out": ("summary.xlsx", ["summary", SAMPLE, "--out", "{out}"]),
    "review --out": ("report.md", ["review", SAMPLE, "--format", "md", "--out", "{out}"]),
    "review --format xlsx": ("report.xlsx", ["review", SAMPLE, "--format", "xlsx", "--out", "{out}"]),
    "draft --out": ("draft.md", ["draft", "{material}", "--out", "{out}"]),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_existing_output_is_refused_without_overwrite(tmp_path: Path, command: str) -> None:
    name, args = COMMANDS[command]
    out = tmp_path / name
    out.write_bytes(b"earlier work")
    material = tmp_path / "material.md"
    material.write_text("压铸线末端部署视觉检测，漏检率由1.2%降至0.1%。", encoding="utf-8")
    result = run(*[a.format(out=out, material=material) for a in args])
    assert result.returncode == 2, result.stdout + result.stderr
    assert "已存在" in result.stderr and "--overwrite" in result.stderr
    assert out.read_bytes() == b"earlier work"


def test_overwrite_replaces_the_file_when_asked(tmp_path: Path) -> None:
    out = tmp_path / "out.docx"
    out.write_bytes(b"earlier work")
    result = run("export", SAMPLE, "--docx", str(out), "--overwrite")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:2] == b"PK"


def test_annotated_copies_are_not_overwritten_either(tmp_path: Path) -> None:
    from testkit.hostile_files import sample_docx_bytes

    source = tmp_path / "申报书.docx"
    source.write_bytes(sample_docx_bytes())
    folder = tmp_path / "批注"
    folder.mkdir()
    existing = folder / "申报书.审查批注.docx"
    existing.write_bytes(b"earlier work")
    result = run("review", str(source), "--annotate", str(folder))
    assert result.returncode == 2 and "已存在" in result.stderr
    assert existing.read_bytes() == b"earlier work"


def test_app_exports_always_get_a_new_name(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "data", "writer")
    project = store.create("铸造项目")
    first = store.unique_export(project, project.name, ".docx")
    first.write_bytes(b"1")
    second = store.unique_export(project, project.name, ".docx")
    assert second != first and not second.exists()
