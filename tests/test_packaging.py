"""Packaging checks over every addon at the repository root.

Plain pytest: no Odoo environment is needed, only the files. An addon is a
directory at the repository root holding a ``__manifest__.py``.
"""

import ast
import csv
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import polib
import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    try:
        import tomli as tomllib
    except ImportError:
        from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
ADDONS = sorted(
    path.name
    for path in ROOT.iterdir()
    if (path / "__manifest__.py").is_file() and not path.name.startswith(".")
)
VERSION_RE = re.compile(r"^18\.0\.\d+\.\d+\.\d+$")
LICENSE = "LGPL-3"
README_FRAGMENTS = ("DESCRIPTION.md", "CONFIGURE.md", "USAGE.md")

addon_param = pytest.mark.parametrize("addon", ADDONS)


def _manifest(addon):
    return ast.literal_eval((ROOT / addon / "__manifest__.py").read_text("utf-8"))


def _python_files(addon):
    for path in sorted((ROOT / addon).rglob("*.py")):
        parts = path.relative_to(ROOT / addon).parts
        if parts[0] in ("tests", "migrations", "upgrades"):
            continue
        yield path


def _str_value(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _inherit_names(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.List | ast.Tuple):
        return {elt.value for elt in node.elts if isinstance(elt, ast.Constant)}
    return set()


def _base_names(classdef):
    names = set()
    for base in classdef.bases:
        if isinstance(base, ast.Attribute):
            names.add(base.attr)
        elif isinstance(base, ast.Name):
            names.add(base.id)
    return names


def _new_models(addon):
    """Names of the models an addon defines and must give access lines.

    Abstract models are exempt; transient models are not (Odoo 17+ checks
    their access too). A class re-declaring a name it inherits only extends
    that model.
    """
    models = {}
    for path in _python_files(addon):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for classdef in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            attrs = {}
            for stmt in classdef.body:
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                    target = stmt.targets[0]
                    if isinstance(target, ast.Name):
                        attrs[target.id] = stmt.value
            name = _str_value(attrs.get("_name"))
            if not name or "AbstractModel" in _base_names(classdef):
                continue
            if name in _inherit_names(attrs.get("_inherit")):
                continue
            models[name] = path.relative_to(ROOT)
    return models


def test_repository_has_addons():
    """The repository holds at least one addon at its root."""
    assert ADDONS, f"no directory with a __manifest__.py in {ROOT}"


@addon_param
def test_manifest(addon):
    """The manifest parses, is installable and has an 18.0.x.y.z version."""
    manifest = _manifest(addon)
    assert isinstance(manifest, dict)
    assert VERSION_RE.match(manifest.get("version", "")), manifest.get("version")
    assert manifest.get("installable", True) is True
    assert manifest.get("license") == LICENSE


def test_one_license_for_the_suite():
    """Every addon carries the same license."""
    licenses = {addon: _manifest(addon).get("license") for addon in ADDONS}
    assert set(licenses.values()) <= {LICENSE}, licenses


@addon_param
def test_pyproject_uses_whool(addon):
    """Each addon is its own package, built with whool as in OCA 18.0."""
    path = ROOT / addon / "pyproject.toml"
    assert path.is_file(), f"{path} is missing"
    build = tomllib.loads(path.read_text("utf-8")).get("build-system", {})
    requires = [
        re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0]
        for req in build.get("requires", [])
    ]
    assert "whool" in requires, build
    assert build.get("build-backend") == "whool.buildapi", build


@addon_param
def test_readme_fragments(addon):
    """readme/ has the OCA fragments DESCRIPTION, CONFIGURE and USAGE."""
    missing = [
        f for f in README_FRAGMENTS if not (ROOT / addon / "readme" / f).is_file()
    ]
    assert not missing, f"{addon}/readme/ lacks {missing}"


@addon_param
def test_manifest_files_exist(addon):
    """Every file listed in the manifest's data and demo exists."""
    manifest = _manifest(addon)
    missing = [
        name
        for key in ("data", "demo")
        for name in manifest.get(key, [])
        if not (ROOT / addon / name).is_file()
    ]
    assert not missing, f"{addon}: listed in the manifest but missing: {missing}"


@addon_param
def test_zh_cn_translation(addon):
    """i18n/zh_CN.po parses, is complete and has no fuzzy entry."""
    path = ROOT / addon / "i18n" / "zh_CN.po"
    assert path.is_file(), f"{path} is missing"
    po = polib.pofile(str(path))
    entries = [e for e in po if not e.obsolete]
    assert entries, f"{path} has no entries"
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries in {path}: {fuzzy[:10]}"
    empty = [
        e.msgid
        for e in entries
        if (not e.msgstr_plural and not e.msgstr)
        or (e.msgstr_plural and not all(e.msgstr_plural.values()))
    ]
    assert not empty, f"untranslated entries in {path}: {empty[:10]}"
    pot = ROOT / addon / "i18n" / f"{addon}.pot"
    if pot.is_file():
        translated = {(e.msgctxt, e.msgid) for e in entries}
        absent = [
            e.msgid
            for e in polib.pofile(str(pot))
            if (e.msgctxt, e.msgid) not in translated
        ]
        assert not absent, f"{path} lacks terms of {pot.name}: {absent[:10]}"


@addon_param
def test_every_model_has_access_lines(addon):
    """Every non-abstract model of the addon has a line in ir.model.access.csv."""
    models = _new_models(addon)
    path = ROOT / addon / "security" / "ir.model.access.csv"
    if not models:
        return
    assert path.is_file(), f"{path} is missing (models: {sorted(models)})"
    with path.open(encoding="utf-8", newline="") as f:
        model_xmlids = {row["model_id:id"].split(".")[-1] for row in csv.DictReader(f)}
    missing = {
        name: str(source)
        for name, source in models.items()
        if "model_" + name.replace(".", "_") not in model_xmlids
    }
    assert not missing, f"models without access lines in {path}: {missing}"


def _imported_test_modules(init):
    """Names of the sibling modules that ``tests/__init__.py`` imports."""
    names = set()
    for node in ast.walk(ast.parse(init.read_text("utf-8"), filename=str(init))):
        if not isinstance(node, ast.ImportFrom) or node.level != 1:
            continue
        if node.module:  # from .test_x import Something
            names.add(node.module.split(".")[0])
        else:  # from . import test_x
            names.update(alias.name for alias in node.names)
    return names


@addon_param
def test_test_modules_are_imported(addon):
    """Every tests/test_*.py of the addon is imported by tests/__init__.py:
    Odoo's own runner (odoo --test-tags, OCA's CI) runs only those."""
    tests = ROOT / addon / "tests"
    modules = {path.stem for path in tests.glob("test_*.py")}
    if not modules:
        return
    init = tests / "__init__.py"
    assert init.is_file(), f"{init} is missing (test modules: {sorted(modules)})"
    missing = sorted(modules - _imported_test_modules(init))
    assert not missing, f"{init.relative_to(ROOT)} does not import {missing}"


def test_test_script_requires_odoo(tmp_path):
    """setup/test.sh fails at once, naming the prerequisite, without Odoo."""
    shim = tmp_path / "python3"
    # -I -S: no site-packages, no PYTHONPATH, so `import odoo` cannot succeed.
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -I -S "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    env = dict(
        os.environ,
        PATH=f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}",
        SP_NO_APT="1",
        SP_TEST_DB="hx_never_built",
    )
    probe = subprocess.run(
        [str(shim), "-c", "import odoo"],
        cwd="/",
        env=env,
        capture_output=True,
        check=False,
    )
    assert probe.returncode != 0, (
        "the shim failed to hide Odoo; not running setup/test.sh"
    )

    result = subprocess.run(
        ["bash", str(ROOT / "setup" / "test.sh")],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Odoo 18.0" in result.stderr, output
    assert "README" in result.stderr, output
    assert "==>" not in result.stdout, f"test.sh went on past the Odoo check:\n{output}"
