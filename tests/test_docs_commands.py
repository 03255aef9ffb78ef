"""Every command shown in ``docs/`` runs and succeeds.

Commands are the fenced code blocks marked ``bash``, ``sh`` or ``shell`` (each block is one bash
script, run with ``set -e``) and the ``$ `` lines of ``console`` blocks. The blocks of one page
run in order, in one fresh folder holding copies of ``scenarios/`` and ``experiments/``, so a page
may use what an earlier block wrote; pages run two at a time. Not run:

- ``pip``, ``git`` and ``pytest`` lines: CI installs kzsim and runs the tests itself;
- a block preceded by ``<!-- docs-test: skip REASON -->`` (the reason is shown in the test);

``kzsim dashboard`` runs until stopped: it must be alone in its block, and the test starts it on
a free port, waits until it serves its page and stops it.

Running every page takes about four minutes, so the test is marked ``docs`` and left out of the
default ``pytest`` run: ``pytest -m docs`` runs it (``.ci/run`` does).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.processes import stop_with_ctrl_c

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
SHELL_LANGUAGES = {"bash", "sh", "shell"}
NOT_RUN = re.compile(r"^\s*(pip|pip3|python -m pip|git|pytest)(\s|$)")
SKIP_MARK = re.compile(r"<!--\s*docs-test:\s*skip\s*(.*?)\s*-->")
COMMAND_SECONDS = 900
DASHBOARD_SECONDS = 90


@dataclass(frozen=True)
class Block:
    """One runnable block of a page."""

    path: Path
    line: int
    script: str
    skip: str


def blocks(path: Path) -> list[Block]:
    """The shell blocks of a Markdown page, in order."""
    found = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = re.match(r"^\s*```\s*(\w*)", lines[index])
        if not opening:
            index += 1
            continue
        language, start = opening.group(1), index + 1
        index += 1
        body = []
        while index < len(lines) and not re.match(r"^\s*```\s*$", lines[index]):
            body.append(lines[index])
            index += 1
        index += 1
        previous = next((t for t in reversed(lines[: start - 1]) if t.strip()), "")
        mark = SKIP_MARK.search(previous)
        if language in SHELL_LANGUAGES:
            script = "\n".join(body)
        elif language == "console":
            script = "\n".join(t.strip()[2:] for t in body if t.strip().startswith("$ "))
        else:
            continue
        script = "\n".join(t for t in script.splitlines() if not NOT_RUN.match(t))
        if script.strip():
            found.append(Block(path, start, script, mark.group(1) if mark else ""))
    return found


PAGES = sorted(p for p in DOCS.rglob("*.md") if blocks(p))


def test_the_docs_show_commands() -> None:
    assert any(p.name == "tutorial.md" for p in PAGES)


def workspace(folder: Path) -> Path:
    """A fresh working folder with the repository's scenarios and experiments."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("scenarios", "experiments"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, folder / name)
    return folder


def environment() -> dict[str, str]:
    """This interpreter's ``kzsim`` first on the PATH."""
    bin_dir = str(Path(sys.executable).parent)
    return os.environ | {"PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run_dashboard(block: Block, folder: Path) -> str:
    """Start the block's ``kzsim dashboard`` on a free port; '' once it serves, else why not."""
    words = shlex.split(block.script, comments=True)
    if words[:2] != ["kzsim", "dashboard"] or "\n" in block.script.strip():
        return "kzsim dashboard must be alone in its block"
    kept, skip_next = [], False
    for word in words:
        if skip_next or word.startswith("--port="):
            skip_next = False
            continue
        if word == "--port":
            skip_next = True
            continue
        kept.append(word)
    port = free_port()
    server = subprocess.Popen(
        [*kept, "--port", str(port)],
        cwd=folder,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + DASHBOARD_SECONDS
        while time.monotonic() < deadline:
            if server.poll() is not None:
                output = server.stdout.read() if server.stdout else ""
                return f"exited with {server.returncode}: {output[-2000:]}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                    return ""
            except OSError:
                time.sleep(0.3)
        return f"did not serve within {DASHBOARD_SECONDS} s"
    finally:
        stop_with_ctrl_c(server)


def run_page(page: Path, folder: Path) -> tuple[list[str], list[str]]:
    """Run a page's blocks in order in ``folder``; return (problems, log lines)."""
    problems: list[str] = []
    log: list[str] = []
    for block in blocks(page):
        where = f"{page.relative_to(ROOT)}:{block.line}"
        if block.skip:
            log.append(f"{where}: skipped: {block.skip}")
            continue
        started = time.monotonic()
        if re.search(r"(^|\s)kzsim dashboard", block.script):
            problem = run_dashboard(block, folder)
            if problem:
                problems.append(f"{where}: {block.script.strip()}: {problem}")
        else:
            done = subprocess.run(
                ["bash", "-e", "-c", block.script],
                cwd=folder,
                env=environment(),
                capture_output=True,
                text=True,
                timeout=COMMAND_SECONDS,
                check=False,
            )
            if done.returncode != 0:
                problems.append(
                    f"{where}: exit {done.returncode}\n{block.script}\n"
                    f"--- stdout\n{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-3000:]}"
                )
        log.append(f"{where}: {time.monotonic() - started:.1f} s")
        if problems:
            break  # later blocks may need what this one should have written
    return problems, log


@pytest.mark.docs
def test_every_command_in_the_docs_succeeds(tmp_path: Path) -> None:
    """Pages run side by side (two at a time: CI has two cores); blocks of a page in order."""
    folders = {page: workspace(tmp_path / str(i)) for i, page in enumerate(PAGES)}
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(PAGES, pool.map(lambda p: run_page(p, folders[p]), PAGES), strict=True))
    problems = []
    for page_problems, log in results.values():
        print("\n".join(log))
        problems += page_problems
    assert not problems, "\n\n".join(problems)
