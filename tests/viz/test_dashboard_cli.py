"""``kzsim dashboard`` refuses bad input in one line before any server starts."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from kzsim.cli import main
from kzsim.errors import InputError
from kzsim.viz.server import SETTINGS_VARIABLE, DashboardSettings

SCENARIO = Path(__file__).parents[2] / "scenarios" / "land_reform_2016.yaml"


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_a_missing_scenario_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dashboard", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml:1:1: file: not found" in one_error_line(capsys)


def test_a_bad_override_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dashboard", str(SCENARIO), "--set", "population.sinophobia_mean=2"]) == 2
    assert "population.sinophobia_mean" in one_error_line(capsys)


def test_an_impossible_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dashboard", str(SCENARIO), "--port", "0"]) == 2
    assert "--port: 0 is not a port" in one_error_line(capsys)


def test_a_busy_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["dashboard", str(SCENARIO), "--port", str(port)]) == 2
    line = one_error_line(capsys)
    assert f"--port: cannot listen on 127.0.0.1:{port}" in line and "allowed: a free port" in line


def test_settings_travel_to_the_app_through_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = DashboardSettings(str(SCENARIO), ["population.citizens=1000"], 3)
    monkeypatch.delenv(SETTINGS_VARIABLE, raising=False)
    with pytest.raises(InputError, match="start the app with kzsim dashboard"):
        DashboardSettings.from_environment()
    settings.to_environment()
    assert DashboardSettings.from_environment() == settings
    assert settings.load().population.citizens == 1000
