"""Solara's front-end bundles for an offline test machine, fetched once with npm.

Solara's server serves its JavaScript and CSS from a CDN (jsdelivr) through a local proxy that
caches every file under ``SOLARA_ASSETS_PROXY_CACHE_DIR``. Where the CDN cannot be reached but
the npm registry can (CI here), the same packages are fetched with ``npm pack`` and unpacked into
that cache in the CDN's layout (``<package>@<version>/<path>``), so the server never needs the CDN.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

#: ``/_solara/cdn/<package>@<version>/...`` in the page Solara serves.
CDN_PATH = re.compile(r"/_solara/cdn/((?:@[\w.-]+/)?[\w.-]+)@(\d+\.\d+\.\d+)/")


def packages_in(page: str) -> set[tuple[str, str]]:
    """The (package, version) pairs a Solara page loads through the CDN proxy."""
    return set(CDN_PATH.findall(page))


def ensure_packages(cache: Path, packages: set[tuple[str, str]]) -> list[str]:
    """Unpack each missing package into ``cache``; return what could not be fetched and why."""
    problems = []
    for name, version in sorted(packages):
        target = cache / f"{name}@{version}"
        if target.is_dir() and any(target.iterdir()):
            continue
        npm = shutil.which("npm")
        if npm is None:
            problems.append(f"{name}@{version}: npm is not installed")
            continue
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run(
                [npm, "pack", f"{name}@{version}", "--pack-destination", folder, "--silent"],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            archives = list(Path(folder).glob("*.tgz"))
            if done.returncode != 0 or not archives:
                problems.append(f"{name}@{version}: npm pack failed: {done.stderr.strip()[-300:]}")
                continue
            unpack(archives[0], target)
    return problems


def unpack(archive: Path, target: Path) -> None:
    """Unpack an npm tarball (files under ``package/``) into ``target``."""
    staging = target.with_name(f".{target.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith("package/")]
        for member in members:
            member.name = member.name.removeprefix("package/")
        tar.extractall(staging, members=members, filter="data")
    staging.replace(target)
