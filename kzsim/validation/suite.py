"""The pattern suite: run every fact's variant and counterfactual over the seeds, score each fact.

A fact passes when at least :data:`REQUIRED_SHARE` of the seeds show it in its run and, where it
names a cause, at most :data:`CONTRAST_SHARE` show it in the counterfactual without that cause.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kzsim.validation.patterns import PATTERNS, Pattern
from kzsim.validation.runs import RunView, run_all

#: Share of seeds that must show a fact (domain brief, section 6: "say >= 80%").
REQUIRED_SHARE = 0.8
#: Largest share of seeds that may show a fact in the counterfactual without its cause.
CONTRAST_SHARE = 0.2

Runs = dict[tuple[str, int], RunView]


@dataclass(frozen=True)
class Outcome:
    """One fact's score over the seeds."""

    pattern: Pattern
    seeds: int
    share: float
    contrast_share: float | None

    @property
    def passed(self) -> bool:
        """Whether the fact is reproduced, and absent without its cause."""
        absent = self.contrast_share is None or self.contrast_share <= CONTRAST_SHARE
        return self.share >= REQUIRED_SHARE and absent


def share_showing(pattern: Pattern, variant: str, runs: Runs, seeds: Sequence[int]) -> float:
    """Share of the seeds whose run of ``variant`` shows the pattern."""
    return sum(pattern.check(runs[(variant, seed)]) for seed in seeds) / len(seeds)


def evaluate(pattern: Pattern, runs: Runs, seeds: Sequence[int]) -> Outcome:
    """Score one fact on runs that include its variant and counterfactual for every seed."""
    contrast = None
    if pattern.contrast is not None:
        contrast = share_showing(pattern, pattern.contrast, runs, seeds)
    return Outcome(pattern, len(seeds), share_showing(pattern, pattern.run, runs, seeds), contrast)


def needed_variants(patterns: Sequence[Pattern]) -> list[str]:
    """Every variant the patterns run, in first-use order."""
    names = [p.run for p in patterns] + [p.contrast for p in patterns if p.contrast is not None]
    return list(dict.fromkeys(names))


def run_suite(
    base: dict[str, Any],
    seeds: Sequence[int],
    citizens: int,
    workers: int,
    patterns: Sequence[Pattern] = PATTERNS,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Outcome], Runs]:
    """Run the variants the patterns need and score every pattern.

    Args:
        base: the replay's plain data (``Scenario.to_data()``).
        seeds: the seeds, the same for every variant.
        citizens: simulated citizens per run.
        workers: worker processes.
        patterns: the facts to score (default: all twelve).
        progress: called as ``progress(done, total)`` after each run.

    Returns:
        The outcomes, in the order of ``patterns``, and the runs they were scored on.

    """
    runs = run_all(base, needed_variants(patterns), seeds, citizens, workers, progress)
    return [evaluate(p, runs, seeds) for p in patterns], runs
