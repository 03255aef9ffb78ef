"""Print the ``FAILING`` list of tests/history/test_targets_met.py for the current model.

Run ``python -m tests.history.failing`` from the repository root and paste its output over the
``FAILING`` assignment.
"""

from __future__ import annotations

import json

from tests.history.test_targets_met import KEYS, figure, replay_table

#: The line length of the project (ruff).
LINE = 100


def main() -> None:
    """Run the replay as the history tests do; print the observations outside tolerance."""
    table = replay_table()
    print("FAILING: dict[str, str] = {")
    for key in KEYS:
        row = table.loc[tuple(key.split("@"))]
        if not row["inside"]:
            entry = f"    {json.dumps(key)}: {json.dumps(figure(row), ensure_ascii=False)},"
            if len(entry) > LINE:
                entry = f"    {json.dumps(key)}: (\n        {entry.split(': ', 1)[1][:-1]}\n    ),"
            print(entry)
    print("}")


if __name__ == "__main__":
    main()
