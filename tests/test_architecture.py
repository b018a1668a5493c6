"""The layout the design card promises: no import cycle in the package (imports inside functions
count — they are how cycles hide), and the product loads no test double or eval code to start."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _import_graph() -> dict[str, set[str]]:
    modules = {}
    for path in (ROOT / "assistant").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    if target in modules:
                        graph[name].add(target)
                    elif node.module in modules:
                        graph[name].add(node.module)
            elif isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names if a.name in modules}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_the_package_has_no_import_cycle() -> None:
    graph = _import_graph()
    assert len(graph) > 50  # the walk found the package
    assert _cycles(graph) == []


def test_a_cycle_is_found_when_there_is_one() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_the_cli_starts_without_eval_code() -> None:
    code = "import sys, assistant.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'evals'))"
    shown = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"


def _imports_of(source: str) -> list[tuple[str, ast.AST | None]]:
    """(module imported, the function it is imported in — None at module level) for every import."""
    found: list[tuple[str, ast.AST | None]] = []

    def visit(node: ast.AST, function: ast.AST | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.append((child.module, function))
            elif isinstance(child, ast.Import):
                found.extend((alias.name, function) for alias in child.names)
            visit(child, inner)

    visit(ast.parse(source), None)
    return found


def _outside_imports(top_levels: set[str]) -> list[tuple[str, str, str | None]]:
    return [
        (str(path.relative_to(ROOT)), module, getattr(function, "name", None))
        for path in sorted((ROOT / "assistant").rglob("*.py"))
        for module, function in _imports_of(path.read_text(encoding="utf-8"))
        if module.split(".")[0] in top_levels
    ]


def test_the_product_never_imports_its_test_doubles() -> None:
    assert (ROOT / "testkit" / "scripted_server.py").exists()  # the walk looks for something real
    assert _outside_imports({"testkit"}) == []


def test_the_product_imports_evals_only_in_the_eval_command() -> None:
    # `assistant eval` runs the suites from a checkout; nothing else in the product may lean on evals/.
    assert _outside_imports({"evals"}) == [("assistant/cli.py", "evals.console", "eval_cmd")]


def test_the_import_walk_sees_imports_inside_functions() -> None:
    source = "import os\n\ndef f():\n    from evals.runner import x\n"
    assert [(m, getattr(f, "name", None)) for m, f in _imports_of(source)] == [
        ("os", None),
        ("evals.runner", "f"),
    ]


def test_the_wheel_does_not_ship_the_test_doubles() -> None:
    import tomllib

    packaging = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = packaging["tool"]["setuptools"]["packages"]["find"]["include"]
    assert "assistant*" in include
    assert not [pattern for pattern in include if pattern.startswith("testkit")]


MAX_SCREEN_FUNCTION_LINES = 80


def test_no_function_of_the_page_wiring_is_long() -> None:
    """Screens are built from named parts (one builder and one wiring per tab), not one long function."""
    for path in [ROOT / "app.py", *sorted((ROOT / "assistant" / "webapp").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                length = node.end_lineno - node.lineno + 1
                assert length <= MAX_SCREEN_FUNCTION_LINES, (
                    f"{path.name}:{node.lineno} {node.name} {length} 行"
                )


def test_the_library_imports_nothing_from_the_page() -> None:
    """The web page sits on the library, never under it; only the CLI's user-admin command reaches
    into the page's access module, because it writes the page's users file."""
    allowed = {("assistant.cli", "assistant.webapp.access")}
    reaching = {
        (name, target)
        for name, targets in _import_graph().items()
        if not name.startswith("assistant.webapp")
        for target in targets
        if target.startswith("assistant.webapp")
    }
    assert reaching <= allowed, sorted(reaching - allowed)
