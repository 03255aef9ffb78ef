"""Serving the dashboard: Solara's server started in this process on one host and port.

The scenario to open travels to the app module (``kzsim.viz.app``) in an environment variable,
because Solara imports that module itself. Solara's telemetry, its version check against PyPI
and the Font Awesome stylesheet are switched off. Solara's front-end bundles come from the
``solara-assets`` package, which the ``dashboard`` extra pins to the release whose bundles are
those the pinned ``solara`` asks for: the page reaches no host but this server. If a bundle is
missing anyway (another solara installed), one line says what to install and Solara's proxy
falls back to its CDN quietly.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import logging
import os
import re
import socket
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kzsim.errors import InputError, KzsimError
from kzsim.scenario.load import load_scenario
from kzsim.scenario.schema import Scenario
from kzsim.terminal import console

err = console(stderr=True)

#: Environment variable carrying the dashboard settings to the app module.
SETTINGS_VARIABLE = "KZSIM_DASHBOARD"
#: Solara settings for a quiet, offline-friendly server (users may still override them).
SOLARA_ENVIRONMENT = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_ASSETS_FONTAWESOME_ENABLED": "False",
    "SOLARA_CHECK_HOOKS": "off",  # Mesa 3.3's SolaraViz trips Solara's hook-order lint
}
APP_MODULE = "kzsim.viz.app"
#: A front-end bundle in Solara's page template: ``{{cdn}}/<package>@<version>/``.
BUNDLE = re.compile(r"\{\{\s*cdn\s*\}\}/((?:@[\w.-]+/)?[\w.-]+@\d+\.\d+\.\d+[\w.-]*)/")
#: What installs the bundles the page template asks for.
ASSETS_INSTALL = "pip install -e '.[dashboard]' (matching solara and solara-assets)"


@dataclass(frozen=True)
class DashboardSettings:
    """What the dashboard opens: a scenario file, overrides and a seed."""

    scenario: str
    overrides: list[str] = field(default_factory=list)
    seed: int | None = None

    def load(self) -> Scenario:
        """The scenario with the overrides applied.

        Raises:
            InputError: if the file or an override is invalid.

        """
        return load_scenario(Path(self.scenario), self.overrides)

    def to_environment(self) -> None:
        """Hand the settings to the app module."""
        os.environ[SETTINGS_VARIABLE] = json.dumps(asdict(self))

    @classmethod
    def from_environment(cls) -> DashboardSettings:
        """The settings ``kzsim dashboard`` handed over."""
        text = os.environ.get(SETTINGS_VARIABLE)
        if not text:
            raise InputError(
                [f"{SETTINGS_VARIABLE}: not set (allowed: start the app with kzsim dashboard)"]
            )
        return cls(**json.loads(text))


#: What ``--host`` accepts, for the one-line errors.
ALLOWED_HOSTS = "an address of this machine: 127.0.0.1, or 0.0.0.0 for every interface"


def check_address(host: str, port: int) -> bool:
    """Fail with one line if the server cannot listen on ``host:port``; say if it is loopback.

    The probe binds as Solara's server (uvicorn) will: IPv6 if the host holds a colon, else
    IPv4.

    Returns:
        True if only this machine can reach the address.

    Raises:
        InputError: if the host is blank, unknown or not this machine's, or the port is busy.

    """
    if not 1 <= port <= 65535:
        raise InputError([f"--port: {port} is not a port (allowed: 1 to 65535)"])
    if not host.strip():
        raise InputError([f"--host: '{host}' is not an address (allowed: {ALLOWED_HOSTS})"])
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        address = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)[0][4]
    except (OSError, UnicodeError) as error:
        raise InputError(
            [f"--host: '{host}' is not an address ({error}) (allowed: {ALLOWED_HOSTS})"]
        ) from None
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRNOTAVAIL:
                raise InputError(
                    [
                        f"--host: {host} is not an address of this machine ({error.strerror}) "
                        f"(allowed: {ALLOWED_HOSTS})"
                    ]
                ) from None
            raise InputError(
                [
                    f"--port: cannot listen on {host}:{port} ({error.strerror}) "
                    "(allowed: a free port)"
                ]
            ) from None
    return ipaddress.ip_address(str(address[0]).split("%")[0]).is_loopback


def missing_bundles(template: str, cache: Path) -> list[str]:
    """The bundles (``package@version``) the page template asks for that ``cache`` lacks."""
    wanted = dict.fromkeys(BUNDLE.findall(template))
    return [bundle for bundle in wanted if not (cache / bundle).is_dir()]


def warn_on_missing_bundles() -> None:
    """Say in one line which front-end bundles are not installed, and quiet Solara's fallback.

    Without them the page needs Solara's CDN; offline it stays blank.
    """
    import solara.server
    from solara.server.settings import assets

    template = Path(solara.server.__file__).parent / "templates" / "solara.html.j2"
    missing = missing_bundles(template.read_text(encoding="utf-8"), assets.proxy_cache_dir)
    if missing:
        err.print(
            f"warning: Solara's front-end files {', '.join(missing)} are not in "
            f"{assets.proxy_cache_dir}, so the page needs the internet; install them: "
            f"{ASSETS_INSTALL}"
        )
        logging.getLogger("Solara.cdn").setLevel(logging.ERROR)


def serve(settings: DashboardSettings, host: str, port: int) -> None:
    """Run the Solara server until interrupted (on an address ``check_address`` accepted)."""
    settings.to_environment()
    for name, value in SOLARA_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    # Solara warns on every plain-http page load that cookies cannot be shared with an
    # embedding iframe; the dashboard is never embedded.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)
    try:
        import click
        import mesa.visualization  # noqa: F401  (needs solara, altair and networkx)
        from solara.__main__ import run
    except ImportError as error:
        raise KzsimError(
            f"kzsim dashboard: {error} (install the extra: pip install 'kzsim[dashboard]')"
        ) from None
    warn_on_missing_bundles()
    try:
        run.main(
            args=[
                APP_MODULE,
                "--host",
                host,
                "--port",
                str(port),
                "--production",
                "--no-open",
                "--no-check-version",
            ],
            prog_name="kzsim dashboard",
            standalone_mode=False,
        )
    except click.exceptions.Abort:  # Ctrl-C: Solara's click turns the interrupt into Abort
        return
