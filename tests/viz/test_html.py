"""The HTML building blocks."""

from __future__ import annotations

import numpy as np

from kzsim.viz.html import page, table
from tests.viz.pages import assert_self_contained, section_ids


def test_table_aligns_numbers_including_numpy_and_escapes_text() -> None:
    html = table(("a", "b", "c", "d"), [("x<y", np.int64(3), np.float64(1 / 3), True)])
    assert "<td>x&lt;y</td>" in html
    assert '<td class="num">3</td>' in html and '<td class="num">0.3333</td>' in html
    assert "<td>True</td>" in html


def test_page_links_every_section_and_stands_alone() -> None:
    html = page("T & t", "sub", [("one", "One", "<p>1</p>"), ("two", "Two", "<p>2</p>")])
    assert_self_contained(html)
    assert section_ids(html) == ["one", "two"]
    assert '<a href="#one">One</a>' in html and "<title>T &amp; t</title>" in html
