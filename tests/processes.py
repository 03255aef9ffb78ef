"""Helpers for tests that start kzsim as a server process."""

from __future__ import annotations

import signal
import subprocess


def stop_with_ctrl_c(server: subprocess.Popen[str]) -> None:
    """Stop ``server`` as a user would, with Ctrl-C (SIGINT); kill it if it takes over 20 s."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
