"""Text from the user is printed literally: never as rich markup, never as terminal escapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzsim.cli import main
from kzsim.terminal import plain

SCENARIO = """\
metadata: {{name: "{name}", start: 2010-01, end: 2010-03, seed: 3}}
population: {{citizens: 300}}
events:
  - {{date: 2010-02, kind: shock, detail: "{detail}"}}
"""


def write(tmp_path: Path, name: str = "plain", detail: str = "a shock", file: str = "s") -> Path:
    path = tmp_path / f"{file}.yaml"
    path.write_text(SCENARIO.format(name=name, detail=detail), encoding="utf-8")
    return path


def printed(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "Traceback" not in text and "internal error" not in text
    assert "\x1b" not in text and "\x07" not in text
    return text


def test_plain_removes_escape_sequences_and_control_characters() -> None:
    assert plain("a\x1b[31mred\x1b[0m\x07 b\x1b]0;title\x07c\td\ne\x00") == "ared bc d e"
    assert plain("[/x] [bold]y[/bold]") == "[/x] [bold]y[/bold]"
    assert plain(3) == "3"


def test_an_event_detail_is_printed_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = write(tmp_path, detail="[/oops] x \\e[31mred\\e[0m")
    assert main(["run", str(scenario), "--out", str(tmp_path / "out")]) == 0
    text = printed(capsys)
    assert "[/oops] x red" in text


def test_a_scenario_name_is_printed_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = write(tmp_path, name="[/x] \\e[2J")
    assert main(["run", str(scenario), "--out", str(tmp_path / "out")]) == 0
    assert "[/x] : headline series" in printed(capsys)
    assert main(["validate", str(scenario)]) == 0
    assert "([/x] , 2010-01 to 2010-03" in printed(capsys)


def test_an_out_path_is_printed_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = f"{tmp_path}/a[/x]b"
    assert main(["run", str(write(tmp_path)), "--out", out]) == 0
    assert f"written to {out}/" in printed(capsys)
    assert main(["report", out]) == 0
    assert f"report written to {out}/report.html" in printed(capsys)


def test_compare_prints_names_and_differences_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write(tmp_path, name="[/a]", detail="[/oops] x", file="a")
    b = write(tmp_path, name="[/b]", detail="[red]y\\e[1m", file="b")
    out = tmp_path / "c[/x]"
    assert main(["compare", str(a), str(b), "--seeds", "1", "--out", str(out)]) == 0
    text = printed(capsys)
    assert "[/oops] x" in text and "[red]y" in text and f"written to {out}/" in text


def test_an_internal_error_is_printed_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("[/x] \x1b[2Jgone")

    monkeypatch.setattr("kzsim.api.run", broken)
    assert main(["run", str(write(tmp_path)), "--out", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert "\x1b" not in captured.err and "Traceback" not in captured.err
    assert "internal error: RuntimeError: [/x] gone" in captured.err
