"""``kzsim report``: one self-contained HTML file for a run, comparison or sweep folder."""

from __future__ import annotations

from pathlib import Path

from kzsim.viz.folders import check_output_file, folder_kind, load_run, write_text


def report_html(folder: Path) -> str:
    """The report page of a kzsim output folder, whatever its kind."""
    kind = folder_kind(folder)
    if kind == "run":
        from kzsim.viz.run_report import run_page

        return run_page(load_run(folder), saved_plots(folder))
    if kind == "comparison":
        from kzsim.viz.compare_report import comparison_page, load_comparison

        return comparison_page(load_comparison(folder))
    if kind == "history":
        from kzsim.history.folder import history_report

        return history_report(folder)
    if kind == "ensemble":
        from kzsim.viz.ensemble_report import ensemble_page

        return ensemble_page(folder, saved_plots(folder))
    from kzsim.batch.store import SweepFolder
    from kzsim.viz.sweep_report import sweep_page

    with SweepFolder(folder).lock("kzsim report") as in_use_by:  # no sweep starts meanwhile
        return sweep_page(folder, in_use_by)


def saved_plots(folder: Path) -> list[tuple[str, bytes]] | None:
    """The PNGs ``kzsim run`` saved in ``folder/plots``, in story order (None if none)."""
    from kzsim.plots import PLOT_ORDER

    def story_order(path: Path) -> tuple[int, str]:
        known = path.stem in PLOT_ORDER
        return (PLOT_ORDER.index(path.stem) if known else len(PLOT_ORDER), path.stem)

    paths = sorted((folder / "plots").glob("*.png"), key=story_order)
    return [(path.stem, path.read_bytes()) for path in paths] or None


def write_report(folder: Path, out: Path | None = None) -> Path:
    """Write the report of ``folder`` to ``out`` (default ``folder/report.html``); return it."""
    target = out if out is not None else folder / "report.html"
    check_output_file(target)
    return write_text(target, report_html(folder))
