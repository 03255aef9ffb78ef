"""The dashboard's front-end bundles are installed by pip, and a missing one is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzsim.viz import server
from kzsim.viz.server import missing_bundles, warn_on_missing_bundles

TEMPLATE = """
<link href="{{cdn}}/@widgetti/solara-vuetify3-app@5.1.1/dist/main8.css" rel="stylesheet">
<script src="{{cdn}}/@widgetti/solara-vuetify3-app@5.1.1/dist/app8.min.js"></script>
<script src="{{ cdn }}/requirejs@2.3.6/require.js"></script>
"""


def test_missing_bundles_names_each_bundle_the_template_wants_once(tmp_path: Path) -> None:
    assert missing_bundles(TEMPLATE, tmp_path) == [
        "@widgetti/solara-vuetify3-app@5.1.1",
        "requirejs@2.3.6",
    ]
    (tmp_path / "requirejs@2.3.6").mkdir()
    assert missing_bundles(TEMPLATE, tmp_path) == ["@widgetti/solara-vuetify3-app@5.1.1"]


def test_the_installed_solara_finds_every_bundle_its_page_loads() -> None:
    """The dashboard extra's solara and solara-assets agree, so nothing comes from the CDN."""
    import solara.server
    from solara.server.settings import assets

    template = (Path(solara.server.__file__).parent / "templates" / "solara.html.j2").read_text()
    assert "{{cdn}}" in template
    assert missing_bundles(template, assets.proxy_cache_dir) == []


def test_a_missing_bundle_is_one_line_naming_the_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from solara.server.settings import assets

    monkeypatch.setattr(assets, "proxy_cache_dir", tmp_path)
    monkeypatch.setattr(server, "err", server.console(stderr=True))
    warn_on_missing_bundles()
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert "are not in" in lines[0] and "pip install -e '.[dashboard]'" in lines[0]
    assert "solara-vuetify" in lines[0]


def test_nothing_is_said_when_every_bundle_is_there(capsys: pytest.CaptureFixture[str]) -> None:
    warn_on_missing_bundles()
    assert capsys.readouterr().err == ""
