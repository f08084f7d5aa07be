"""The project's packages are installed (editable, pyproject.toml) and found by name: no file edits sys.path."""
import ast
import subprocess
import sys

from tests.conftest import PACKAGES, ROOT

SKIPPED_DIRS = {".venv", ".venv-audit", "node_modules", "build", "var", ".git"}


def project_python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def edits_sys_path(node: ast.AST) -> bool:
    """`sys.path.insert(...)`, `sys.path.append(...)`, `sys.path += ...` or `sys.path = ...`."""
    def is_sys_path(target):
        return (isinstance(target, ast.Attribute) and target.attr == "path"
                and isinstance(target.value, ast.Name) and target.value.id == "sys")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return is_sys_path(node.func.value)
    if isinstance(node, (ast.Assign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(is_sys_path(target) for target in targets)
    return False


def test_the_check_sees_every_way_of_editing_sys_path():
    for code in ("sys.path.insert(0, 'x')", "sys.path.append('x')", "sys.path += ['x']", "sys.path = []"):
        assert any(edits_sys_path(node) for node in ast.walk(ast.parse(code))), code
    assert not any(edits_sys_path(node) for node in ast.walk(ast.parse("print(sys.path)")))


def test_no_file_edits_sys_path():
    offenders = [f"{path.relative_to(ROOT)}:{node.lineno}" for path in project_python_files()
                 for node in ast.walk(ast.parse(path.read_text(), str(path))) if edits_sys_path(node)]
    assert offenders == []


def test_the_packages_import_from_outside_the_checkout(tmp_path):
    code = "import importlib, sys; [print(importlib.import_module(name).__file__) for name in sys.argv[1:]]"
    result = subprocess.run([sys.executable, "-c", code, *PACKAGES], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(ROOT / name / "__init__.py") for name in PACKAGES]
