"""Documentation that cannot drift: the CLI reference is regenerated from the commands, every command
has a line in the README's quick tour, and the README opens with exactly the two set-up commands."""

from __future__ import annotations

import re
import subprocess
import sys

from assistant.paths import ROOT


def test_cli_reference_is_current() -> None:
    proc = subprocess.run(
        [sys.executable, "scripts/cli_reference.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr


def test_every_command_is_in_the_readme_tour() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = re.findall(r"^## assistant (\S+)$", reference, flags=re.MULTILINE)
    assert len(commands) >= 10
    missing = [c for c in commands if f"`assistant {c}" not in readme]
    assert missing == []


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```bash\n(.*?)```", readme, flags=re.DOTALL)
    assert first_block
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()]
    assert commands == ["make run", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd "))] == [
        "make test"
    ]
