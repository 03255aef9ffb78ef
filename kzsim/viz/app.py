"""The Solara app ``kzsim dashboard`` serves (``solara run kzsim.viz.app``)."""

# mypy: disable-error-code="attr-defined"

from __future__ import annotations

from pathlib import Path

import solara

from kzsim.viz.dashboard import Dashboard
from kzsim.viz.server import DashboardSettings


@solara.component
def Page() -> None:
    """The dashboard of the scenario ``kzsim dashboard`` was started with."""
    settings = solara.use_memo(DashboardSettings.from_environment, [])
    scenario = solara.use_memo(settings.load, [])
    Dashboard(scenario, settings.seed, Path(settings.scenario))
