"""Layers: who imports what, and what importing kzsim, its command line and writing a run load.

The import checks read every module under ``kzsim/`` (imports inside functions included); the
load checks run in a fresh interpreter, so that nothing this test process imported counts.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "kzsim"
#: The modules that may import Mesa: the model, the agents and the SolaraViz dashboard.
MESA_MODULES = {
    "kzsim/model.py",
    *(f"kzsim/agents/{path.name}" for path in (PACKAGE / "agents").glob("*.py")),
    "kzsim/viz/dashboard.py",
    "kzsim/viz/server.py",
}


def imported_modules(path: Path) -> set[str]:
    """Every module an ``import`` or ``from ... import`` in ``path`` names, with its submodules.

    ``from kzsim import cli`` counts as ``kzsim`` and ``kzsim.cli``.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def importers(module: str) -> set[str]:
    """The kzsim source files (relative to the checkout) that import ``module`` or a submodule."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*.py")
        if any(name == module or name.startswith(f"{module}.") for name in imported_modules(path))
    }


def test_only_the_entry_point_imports_the_command_line() -> None:
    assert importers("kzsim.cli") == set()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert scripts["scripts"] == {"kzsim": "kzsim.cli:entry"}


def test_only_the_command_line_imports_the_public_api_module() -> None:
    assert importers("kzsim.api") <= {"kzsim/cli.py"}


def test_only_the_model_agents_and_dashboard_import_mesa() -> None:
    assert importers("mesa") <= MESA_MODULES
    assert "kzsim/model.py" in importers("mesa")


def modules_after(code: str) -> set[str]:
    """Every module loaded after running ``code`` in a fresh interpreter.

    They are printed last, on one line, after anything ``code`` prints.
    """
    listing = "import sys; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{listing}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return set(done.stdout.splitlines()[-1].split())


def loaded_after(code: str) -> set[str]:
    """The top-level packages loaded after running ``code`` in a fresh interpreter."""
    return {module.split(".")[0] for module in modules_after(code)}


#: Simulation modules (and Mesa), which the scenario schema and the contracts must not load.
SIMULATION = ("kzsim.rules", "kzsim.model", "kzsim.agents", "kzsim.events", "mesa")


def simulation_modules_after(code: str) -> set[str]:
    """The simulation modules loaded after running ``code`` in a fresh interpreter."""
    return {
        m for m in modules_after(code) if any(m == s or m.startswith(s + ".") for s in SIMULATION)
    }


def test_the_scenario_schema_and_loader_load_no_simulation_module() -> None:
    assert simulation_modules_after("import kzsim.scenario.schema, kzsim.scenario.load") == set()


def test_the_contracts_load_no_simulation_module() -> None:
    assert simulation_modules_after("import kzsim.contracts, kzsim.catalog") == set()


def test_import_kzsim_loads_neither_mesa_nor_pandas() -> None:
    loaded = loaded_after("import kzsim; kzsim.__version__, kzsim.InputError, kzsim.KzsimError")
    assert "kzsim" in loaded
    assert not loaded & {"mesa", "pandas"}


def test_the_public_names_load_on_first_use() -> None:
    loaded = loaded_after("import kzsim; kzsim.run, kzsim.load_scenario, kzsim.RunResult")
    assert {"mesa", "pandas"} <= loaded
    with pytest.raises(AttributeError, match="no attribute 'runn'"):
        import kzsim

        kzsim.runn  # noqa: B018


def test_help_loads_neither_mesa_pandas_nor_matplotlib() -> None:
    code = "from kzsim.cli import main\nassert main(['--help']) == 0"
    assert not loaded_after(code) & {"mesa", "pandas", "matplotlib"}


def test_writing_a_run_does_not_load_matplotlib(tmp_path: Path) -> None:
    code = (
        "import kzsim\n"
        "data = {'metadata': {'name': 'small', 'start': '2010-01', 'end': '2010-03'},"
        " 'population': {'citizens': 500}}\n"
        "result = kzsim.run(kzsim.load_scenario(data), seed=1)\n"
        f"result.write({str(tmp_path / 'run')!r}, fmt='csv')"
    )
    loaded = loaded_after(code)
    assert "mesa" in loaded
    assert "matplotlib" not in loaded
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == [
        "events.csv",
        "manifest.json",
        "series.csv",
    ]
