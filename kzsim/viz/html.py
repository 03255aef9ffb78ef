"""Building blocks of kzsim's self-contained HTML pages: inline CSS, no scripts, no links out."""

from __future__ import annotations

import base64
import numbers
from collections.abc import Iterable, Sequence
from html import escape

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #222;
       background: #fafafa; line-height: 1.4; }
header { background: #1f3a5f; color: #fff; padding: 1.2em 2em; }
header h1 { margin: 0 0 .2em 0; font-size: 1.6em; }
header p { margin: 0; opacity: .85; }
nav { padding: .5em 2em; background: #e8edf3; font-size: .9em; }
nav a { margin-right: 1.2em; color: #1f3a5f; }
main { padding: 0 2em 3em 2em; max-width: 1200px; }
section { margin-top: 2em; }
h2 { border-bottom: 2px solid #1f3a5f; padding-bottom: .2em; font-size: 1.3em; }
table { border-collapse: collapse; font-size: .88em; margin: .5em 0; }
th, td { border-bottom: 1px solid #ddd; padding: .25em .7em; text-align: left;
         vertical-align: top; }
th { background: #eef1f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; }
figure img { max-width: 100%; border: 1px solid #ddd; background: #fff; }
.maps { display: flex; flex-wrap: wrap; gap: 1.5em; }
.note { color: #555; font-size: .9em; }
.timeline { list-style: none; padding-left: 0; border-left: 3px solid #1f3a5f; }
.timeline li { margin: .15em 0 .15em 0; padding-left: .8em; font-size: .9em; }
.timeline li.year { font-weight: bold; margin-top: .8em; color: #1f3a5f; }
.kind { display: inline-block; min-width: 11em; font-family: monospace; font-size: .85em;
        color: #444; }
.date { display: inline-block; width: 4.6em; font-variant-numeric: tabular-nums; color: #555; }
"""


def page(title: str, subtitle: str, sections: Sequence[tuple[str, str, str]]) -> str:
    """A whole HTML document.

    Args:
        title: the page heading and ``<title>``.
        subtitle: one line under the heading.
        sections: ``(anchor, heading, body html)`` in page order; a navigation bar links them.

    """
    nav = "".join(f'<a href="#{a}">{escape(h)}</a>' for a, h, _ in sections)
    body = "".join(
        f'<section id="{a}"><h2>{escape(h)}</h2>{content}</section>' for a, h, content in sections
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>"
        f"<nav>{nav}</nav><main>{body}</main></body></html>\n"
    )


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """An HTML table; numbers (numpy's too) are right-aligned, floats in 4 significant digits."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, bool) or not isinstance(cell, numbers.Real):
                cells.append(f"<td>{escape(str(cell))}</td>")
            else:
                text = str(int(cell)) if isinstance(cell, numbers.Integral) else f"{cell:.4g}"
                cells.append(f'<td class="num">{text}</td>')
        lines.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"


def figure(png: bytes, caption: str) -> str:
    """A PNG embedded as a data URI, with a caption."""
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img alt="{escape(caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption class='note'>{escape(caption)}</figcaption></figure>"
    )


def paragraph(text: str, css_class: str = "") -> str:
    """A paragraph of escaped text."""
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<p{attribute}>{escape(text)}</p>"
