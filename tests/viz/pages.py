"""Checks shared by the report tests: a page must stand alone, without any network."""

from __future__ import annotations

import base64
import re

#: Anything a browser would fetch: external sources, links, stylesheets, scripts, imports.
FETCHES = re.compile(
    r"<script|<link|<iframe|@import|url\((?!data:)|(?:src|href)\s*=\s*[\"'](?!data:|#)", re.I
)


def assert_self_contained(page: str) -> None:
    """No script, no external reference; every image is a decodable PNG data URI."""
    assert page.startswith("<!DOCTYPE html>")
    found = FETCHES.findall(page)
    assert not found, f"the page would fetch: {found[:3]}"
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    for data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG")


def section_ids(page: str) -> list[str]:
    """The ids of the page's sections, in order."""
    return re.findall(r'<section id="([^"]+)">', page)
