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


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Record where the dashboard would be served instead of starting Solara."""
    calls: list[tuple[str, int]] = []

    def record(settings: DashboardSettings, host: str, port: int) -> None:
        calls.append((host, port))

    monkeypatch.setattr("kzsim.viz.server.serve", record)
    return calls


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("", "--host: '' is not an address"),
        ("   ", "--host: '   ' is not an address"),
        ("192.0.2.1", "--host: 192.0.2.1 is not an address of this machine"),
        ("no such host", "--host: 'no such host' is not an address"),
    ],
)
def test_a_bad_host_fails_before_the_banner(
    host: str,
    expected: str,
    served: list[tuple[str, int]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["dashboard", str(SCENARIO), "--host", host, "--port", str(free_port())]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected), lines
    assert "allowed: a free port" not in lines[0]
    assert "http://" not in captured.out and served == []


def test_a_loopback_host_serves_without_a_warning(
    served: list[tuple[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    assert main(["dashboard", str(SCENARIO), "--port", str(port)]) == 0
    captured = capsys.readouterr()
    assert f"http://127.0.0.1:{port}" in captured.out
    assert "login" not in captured.err + captured.out
    assert served == [("127.0.0.1", port)]


def test_every_interface_is_announced_with_a_warning(
    served: list[tuple[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port("0.0.0.0")
    assert main(["dashboard", str(SCENARIO), "--host", "0.0.0.0", "--port", str(port)]) == 0
    captured = capsys.readouterr()
    assert f"http://0.0.0.0:{port}" in captured.out and "http://:" not in captured.out
    warning = captured.err.strip().splitlines()
    assert len(warning) == 1 and "no login" in warning[0] and "0.0.0.0" in warning[0]
    assert served == [("0.0.0.0", port)]
