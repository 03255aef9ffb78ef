"""Re-pin golden records: ``python -m tests.golden.regenerate [SCENARIO...]``.

Runs the named shipped scenarios (default: all of them) as tests/test_golden.py does, prints
what changed against the current record and overwrites ``tests/golden/<scenario>.json``. Run it
only for a change of results you intend, and name the changed series in the commit.
"""

from __future__ import annotations

import argparse
import sys

from tests.golden.records import differences, load, pinned, run_record, save, shipped


def main(argv: list[str] | None = None) -> int:
    """Re-pin the scenarios named in ``argv``; 2 for an unknown name, else 0."""
    parser = argparse.ArgumentParser(prog="python -m tests.golden.regenerate")
    parser.add_argument(
        "scenarios", nargs="*", metavar="SCENARIO", help="file stems (default: all)"
    )
    names = parser.parse_args(argv).scenarios or shipped()
    unknown = sorted(set(names) - set(shipped()))
    if unknown:
        print(f"unknown scenario {', '.join(unknown)} (allowed: {', '.join(shipped())})")
        return 2
    for name in names:
        new = run_record(name)
        changes = differences(load(name), new) if name in pinned() else ["new record"]
        path = save(new)
        print(f"{path}: {len(new['series'])} series, {new['events']['rows']} events")
        print("\n".join(f"  {line}" for line in changes) or "  unchanged")
    for name in sorted(set(pinned()) - set(shipped())):
        print(f"{name}.json pins a scenario that no longer ships: delete it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
