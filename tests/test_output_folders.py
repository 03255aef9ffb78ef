"""Output folders: replaced only when kzsim wrote them and --overwrite says so; I/O in one line."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import kzsim
from kzsim.cli import main
from kzsim.errors import InputError
from kzsim.outputs import RUN, Format, RunResult, check_writable
from kzsim.plots import headline_plots

SMALL = (
    "metadata: {name: small, start: 2010-01, end: 2010-03, seed: 3}\npopulation: {citizens: 300}\n"
)


@pytest.fixture(scope="module")
def result() -> RunResult:
    data = {
        "metadata": {"name": "small", "start": "2010-01", "end": "2010-03", "seed": 3},
        "population": {"citizens": 300},
    }
    return kzsim.run(kzsim.load_scenario(data), seed=3)


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def fake_sweep(folder: Path) -> Path:
    (folder / "series").mkdir(parents=True)
    manifest = {"kind": "kzsim-sweep", "versions": {"kzsim": kzsim.__version__}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "runs.parquet").write_bytes(b"runs")
    (folder / "journal.jsonl").write_text('{"run": "p0-r0"}\n', encoding="utf-8")
    (folder / "series" / "p0-r0.parquet").write_bytes(b"shard")
    return folder


def fake_comparison(folder: Path) -> Path:
    folder.mkdir(parents=True)
    manifest = {"comparison": {"seeds": [1]}, "versions": {"kzsim": kzsim.__version__}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "deltas.csv").write_text("outcome\n", encoding="utf-8")
    return folder


# Case 1: a run or comparison replaces only its own kind, only with --overwrite.


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_a_run_never_replaces_a_sweep_folder(
    overwrite: list[str],
    scenario_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sweep = fake_sweep(tmp_path / "sweep")
    before = snapshot(sweep)
    assert main(["run", str(scenario_file), "--out", str(sweep), "--quiet", *overwrite]) == 2
    line = one_line(capsys)
    assert line.startswith(f"{sweep}: --out:") and "sweep" in line
    assert snapshot(sweep) == before


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_a_run_never_replaces_a_comparison_nor_a_comparison_a_run(
    overwrite: list[str],
    scenario_file: Path,
    tmp_path: Path,
    result: RunResult,
    capsys: pytest.CaptureFixture[str],
) -> None:
    comparison = fake_comparison(tmp_path / "cmp")
    before = snapshot(comparison)
    assert main(["run", str(scenario_file), "--out", str(comparison), *overwrite]) == 2
    assert "comparison" in one_line(capsys)
    assert snapshot(comparison) == before
    run_folder = result.write(tmp_path / "run")
    before = snapshot(run_folder)
    code = main(
        ["compare", str(scenario_file), str(scenario_file), "--out", str(run_folder), *overwrite]
    )
    assert code == 2
    line = one_line(capsys)
    assert line.startswith(f"{run_folder}: --out:") and "run" in line
    assert snapshot(run_folder) == before


def test_an_earlier_run_is_replaced_only_with_overwrite(
    scenario_file: Path, tmp_path: Path, result: RunResult, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = result.write(tmp_path / "run", fmt="csv")
    before = snapshot(folder)
    assert main(["run", str(scenario_file), "--out", str(folder), "--seed", "9", "--quiet"]) == 2
    line = one_line(capsys)
    assert line.startswith(f"{folder}: --out:") and "--overwrite" in line
    assert snapshot(folder) == before
    args = ["run", str(scenario_file), "--out", str(folder), "--seed", "9", "--quiet"]
    assert main([*args, "--overwrite"]) == 0
    assert json.loads((folder / "manifest.json").read_text())["seed"] == 9
    assert not (folder / "series.csv").exists() and (folder / "series.parquet").exists()
    assert hidden(tmp_path) == []


def test_overwrite_never_deletes_files_kzsim_did_not_write(
    scenario_file: Path, tmp_path: Path, result: RunResult, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = result.write(tmp_path / "run", extras=headline_plots)
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    (folder / "plots" / "sketch.svg").write_text("<svg/>", encoding="utf-8")
    before = snapshot(folder)
    assert main(["run", str(scenario_file), "--out", str(folder), "--overwrite", "--quiet"]) == 2
    line = one_line(capsys)
    assert "notes.txt" in line and "plots/sketch.svg" in line
    assert "series.parquet" not in line and "manifest.json" not in line
    assert snapshot(folder) == before


def test_the_python_api_replaces_a_run_only_with_overwrite(
    tmp_path: Path, result: RunResult
) -> None:
    folder = result.write(tmp_path / "run")
    with pytest.raises(InputError, match="--overwrite"):
        result.write(folder)
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="notes.txt"):
        result.write(folder, overwrite=True)
    (folder / "notes.txt").unlink()
    assert result.write(folder, fmt="csv", overwrite=True) == folder
    assert (folder / "series.csv").exists() and not (folder / "series.parquet").exists()


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_run_folder_holds_only_what_its_kind_declares(
    fmt: Format, tmp_path: Path, result: RunResult
) -> None:
    folder = result.write(tmp_path / "run", fmt=fmt, extras=headline_plots)
    assert main(["report", str(folder)]) == 0
    assert list((folder / "plots").iterdir()) and (folder / "report.html").exists()
    assert RUN.foreign_entries(folder) == []
    (folder / "notes.txt").touch()
    assert RUN.foreign_entries(folder) == ["notes.txt"]


@pytest.mark.slow
def test_compare_replaces_an_earlier_comparison_only_with_overwrite(
    scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kzsim.viz.compare_report import COMPARISON

    out = tmp_path / "cmp"
    args = ["compare", str(scenario_file), str(scenario_file), "--seeds", "1", "--out", str(out)]
    assert main(args) == 0
    assert COMPARISON.foreign_entries(out) == []
    capsys.readouterr()
    before = snapshot(out)
    assert main(args) == 2
    assert "--overwrite" in one_line(capsys)
    assert snapshot(out) == before
    assert main([*args, "--overwrite"]) == 0
    assert hidden(tmp_path) == []


# Case 2: --out at or above the current folder.


@pytest.mark.parametrize("out", [".", "..", "../.."])
def test_the_current_folder_and_its_parents_are_never_replaced(
    out: str,
    scenario_file: Path,
    tmp_path: Path,
    result: RunResult,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = result.write(tmp_path / "a" / "run")
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    (folder / "inner").mkdir()
    before = snapshot(tmp_path / "a")
    monkeypatch.chdir(folder / "inner" if out == "../.." else folder)
    assert main(["run", str(scenario_file), "--out", out, "--overwrite", "--quiet"]) == 2
    assert "current folder" in one_line(capsys)
    assert snapshot(tmp_path / "a") == before
    assert hidden(tmp_path) == [] and hidden(tmp_path / "a") == [] and hidden(folder) == []


def test_an_empty_current_folder_is_not_replaced_either(
    scenario_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path / "empty")
    assert main(["run", str(scenario_file), "--out", ".", "--quiet"]) == 2
    assert "current folder" in one_line(capsys)
    assert list((tmp_path / "empty").iterdir()) == []


# Case 11: the destination is checked before computing; I/O errors are one line, exit 1.


@pytest.fixture
def no_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make computing a run fail, to show that a check came first."""

    def refuse(*args: object, **kwargs: object) -> RunResult:
        raise AssertionError("the run was computed before the destination was checked")

    monkeypatch.setattr("kzsim.api.run", refuse)


def test_a_full_disk_is_one_line_exit_1_and_keeps_the_old_output(
    scenario_file: Path,
    tmp_path: Path,
    result: RunResult,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = result.write(tmp_path / "run")
    before = snapshot(folder)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("kzsim.outputs.write_table", full)
    assert main(["run", str(scenario_file), "--out", str(folder), "--overwrite", "--quiet"]) == 1
    line = one_line(capsys)
    assert line.startswith(f"{folder}: ") and "No space left on device" in line
    assert "internal error" not in line
    assert snapshot(folder) == before
    assert hidden(tmp_path) == []


def test_a_symlink_out_is_refused(
    scenario_file: Path,
    tmp_path: Path,
    result: RunResult,
    capsys: pytest.CaptureFixture[str],
    no_computing: None,
) -> None:
    real = result.write(tmp_path / "real")
    before = snapshot(real)
    (tmp_path / "empty").mkdir()
    for name, points_to in (("link", real), ("link_to_empty", tmp_path / "empty")):
        (tmp_path / name).symlink_to(points_to)
        args = ["run", str(scenario_file), "--out", str(tmp_path / name), "--overwrite"]
        assert main(args) == 2
        line = one_line(capsys)
        assert line.startswith(f"{tmp_path / name}: --out:") and "symbolic link" in line
        assert (tmp_path / name).is_symlink()
    assert snapshot(real) == before
    assert list((tmp_path / "empty").iterdir()) == []


def test_a_read_only_destination_is_one_line_exit_1_before_computing(
    scenario_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    no_computing: None,
) -> None:
    real_mkdir = os.mkdir

    def read_only(path: object, *args: object, **kwargs: object) -> None:
        if str(path).startswith(str(tmp_path / "ro")):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        real_mkdir(path, *args, **kwargs)  # type: ignore[arg-type]

    (tmp_path / "ro").mkdir()
    monkeypatch.setattr(os, "mkdir", read_only)
    assert main(["run", str(scenario_file), "--out", str(tmp_path / "ro" / "run")]) == 1
    line = one_line(capsys)
    assert line.startswith(f"{tmp_path / 'ro' / 'run'}: --out:")
    assert "Read-only file system" in line and "internal error" not in line


@pytest.fixture
def mount_point(tmp_path: Path) -> Iterator[Path]:
    """A folder on which a tiny tmpfs can be mounted (skipped where mounting is not permitted)."""
    folder = tmp_path / "mnt"
    folder.mkdir()
    yield folder
    subprocess.run(["umount", str(folder)], capture_output=True, check=False)


def mount(folder: Path, options: str) -> None:
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")


def test_a_real_read_only_mount_point_is_one_line_exit_1_before_computing(
    scenario_file: Path,
    mount_point: Path,
    capsys: pytest.CaptureFixture[str],
    no_computing: None,
) -> None:
    mount(mount_point, "ro,size=1m")
    for out in (mount_point, mount_point / "run"):
        assert main(["run", str(scenario_file), "--out", str(out), "--overwrite"]) == 1
        line = one_line(capsys)
        assert line.startswith(f"{out}: --out:") and "Read-only file system" in line


def test_a_real_full_disk_is_one_line_exit_1_and_leaves_nothing(
    scenario_file: Path, mount_point: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mount(mount_point, "size=64k")
    out = mount_point / "run"
    assert main(["run", str(scenario_file), "--out", str(out), "--quiet"]) == 1
    line = one_line(capsys)
    assert line.startswith(f"{out}: --out:") and "No space left on device" in line
    assert list(mount_point.iterdir()) == []


# Case 4 (the part that needs no kill): leftovers of interrupted writes.


def leftover(target: Path, pid: int, old: RunResult | None = None) -> Path:
    workspace = target.parent / f".{target.name}.kzsim-write.0123456789ab"
    (workspace / "new").mkdir(parents=True)
    (workspace / "new" / "series.parquet").write_bytes(b"half")
    marker = {"target": target.name, "pid": pid, "host": os.uname().nodename}
    (workspace / "kzsim-write.json").write_text(json.dumps(marker), encoding="utf-8")
    if old is not None:
        old.write(workspace / "old")
    return workspace


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_leftovers_of_an_interrupted_write_are_removed_and_reported(
    scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = leftover(tmp_path / "run", dead_pid())
    (tmp_path / ".notes").write_text("mine", encoding="utf-8")
    assert main(["run", str(scenario_file), "--out", str(tmp_path / "run"), "--quiet"]) == 0
    line = one_line(capsys)
    assert workspace.name in line and "interrupted" in line
    assert hidden(tmp_path) == [".notes"]


def test_an_old_output_set_aside_is_restored_when_the_target_is_missing(
    tmp_path: Path, result: RunResult
) -> None:
    target = tmp_path / "run"
    leftover(target, dead_pid(), old=result)
    notes = check_writable(target, RUN, overwrite=True)
    assert len(notes) == 1 and "restored" in notes[0]
    assert json.loads((target / "manifest.json").read_text())["seed"] == 3
    assert hidden(tmp_path) == []


def test_a_folder_another_process_is_writing_is_left_alone(
    scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = leftover(tmp_path / "run", os.getpid())
    assert main(["run", str(scenario_file), "--out", str(tmp_path / "run"), "--quiet"]) == 2
    line = one_line(capsys)
    assert f"pid {os.getpid()}" in line and workspace.name in line
    assert (workspace / "new" / "series.parquet").exists()
