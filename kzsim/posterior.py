"""A calibration's posterior read back, and particles drawn from it for an ensemble.

``kzsim calibrate`` writes a folder with ``posterior.parquet`` (one row per particle: one float
column per calibrated parameter, named by its dotted scenario key, and ``weight``) and a
``manifest.json`` of kind ``calibration`` that lists the ``parameters`` and says ``complete:
true`` once the calibration has finished (docs/calibration.md). :func:`load_posterior` refuses,
with one line, anything else: a missing folder, another kind of folder, an unfinished
calibration, columns that do not match the manifest, values that are not finite numbers, and
weights that are negative or do not sum to 1 within :data:`WEIGHT_TOLERANCE` (they are then
divided by their sum, which removes the rounding). :func:`particle_scenarios` applies every
particle to a scenario as ``--set`` overrides, so that an unknown key or a value outside a
parameter's range is reported before anything runs.

The particles of an ensemble are drawn with replacement, with probability equal to their weight
(:func:`draw_particles`), from the named stream ``posterior_draws`` of the ensemble's
SeedSequence: the same seed draws the same particles, whatever the number of workers.
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kzsim.errors import InputError
from kzsim.scenario.load import load_scenario
from kzsim.scenario.schema import Scenario

POSTERIOR_FILE = "posterior.parquet"
MANIFEST_FILE = "manifest.json"
WEIGHT = "weight"
#: The manifest kind of a calibration folder.
CALIBRATION_KIND = "calibration"
#: How far the stored weights' sum may be from 1.
WEIGHT_TOLERANCE = 1e-9
#: The name of the stream the particles are drawn from.
DRAWS_STREAM = "posterior_draws"
ALLOWED = "a folder written by kzsim calibrate"


@dataclass(frozen=True)
class Posterior:
    """The particles and weights of a finished calibration.

    Attributes:
        folder: the calibration folder.
        parameters: the calibrated parameters' dotted scenario keys, in the manifest's order.
        values: one row per particle, one column per parameter.
        weights: one per particle, summing to 1.
        digest: SHA-256 of ``posterior.parquet``.
        citizens: the simulated citizens the calibration ran with (None if it does not say).

    """

    folder: Path
    parameters: tuple[str, ...]
    values: npt.NDArray[np.float64]
    weights: npt.NDArray[np.float64]
    digest: str
    citizens: int | None = None

    @property
    def path(self) -> Path:
        """The ``posterior.parquet`` file."""
        return self.folder / POSTERIOR_FILE

    def overrides(self, particle: int) -> list[str]:
        """A particle's parameter values as ``dotted.key=value`` overrides."""
        row = self.values[particle]
        return [
            f"{key}={override_value(float(v))}" for key, v in zip(self.parameters, row, strict=True)
        ]

    def parameter_values(self, particle: int) -> dict[str, float]:
        """A particle's parameter values by dotted key."""
        return {
            key: float(v) for key, v in zip(self.parameters, self.values[particle], strict=True)
        }


def override_value(value: float) -> str:
    """A finite number as an override value that YAML reads back as that number.

    Whole numbers are written as integers (an integer parameter takes them, a float one too);
    others with a decimal point before any exponent (YAML reads ``1e-05`` as text).
    """
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    text = repr(value)
    mantissa, exponent, power = text.partition("e")
    if exponent and "." not in mantissa:
        return f"{mantissa}.0e{power}"
    return text


def load_posterior(folder: Path) -> Posterior:
    """Read and check a calibration folder's posterior (see the module docstring).

    Raises:
        InputError: one line on the first problem found (exit 2).

    """
    manifest_path = folder / MANIFEST_FILE
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "not found"
        raise _refused(folder, what)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _refused(folder, "holds no manifest.json, so it is not a calibration") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise _refused(manifest_path, f"cannot be read ({plain_error(error)})") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != CALIBRATION_KIND:
        kind = manifest.get("kind") if isinstance(manifest, dict) else None
        raise _refused(manifest_path, f"kind: {kind!r} is not a calibration")
    if manifest.get("complete") is not True:
        raise _refused(
            manifest_path,
            "complete: the calibration has not finished (no complete: true); resume it first",
        )
    parameters = manifest.get("parameters")
    if (
        not isinstance(parameters, list)
        or not parameters
        or not all(isinstance(p, str) for p in parameters)
        or len(set(parameters)) != len(parameters)
    ):
        raise _refused(manifest_path, "parameters: expected a list of distinct dotted keys")
    citizens = manifest.get("citizens")
    return _read_particles(folder, tuple(parameters), citizens if type(citizens) is int else None)


def _read_particles(folder: Path, parameters: tuple[str, ...], citizens: int | None) -> Posterior:
    """The checked particles and weights of ``folder/posterior.parquet``."""
    import pandas as pd

    path = folder / POSTERIOR_FILE
    try:
        data = path.read_bytes()
        frame = pd.read_parquet(path)
    except FileNotFoundError:
        raise _refused(path, "not found") from None
    except Exception as error:  # pyarrow raises many kinds
        raise _refused(path, f"cannot be read ({plain_error(error)})") from None
    expected = [*parameters, WEIGHT]
    missing = [c for c in expected if c not in frame.columns]
    extra = [str(c) for c in frame.columns if c not in expected]
    if missing or extra:
        found = f"missing {', '.join(missing)}" if missing else f"unexpected {', '.join(extra)}"
        raise _refused(path, f"columns: {found}", f"the manifest's parameters and {WEIGHT}")
    if frame.empty:
        raise _refused(path, "rows: holds no particles", "one row per particle")
    columns = {}
    for column in expected:
        try:
            values = frame[column].to_numpy(dtype=np.float64)
        except (TypeError, ValueError):
            raise _refused(path, f"{column}: not a number", "floats") from None
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise _refused(
                path,
                f"{column}: particle {bad[0]}: {values[bad[0]]} is not a finite number",
                "finite numbers",
            )
        columns[column] = values
    weights = columns.pop(WEIGHT)
    _check_weights(path, weights)
    return Posterior(
        folder=folder,
        parameters=parameters,
        values=np.column_stack([columns[p] for p in parameters]),
        weights=weights / weights.sum(),
        digest=hashlib.sha256(data).hexdigest(),
        citizens=citizens,
    )


def _check_weights(path: Path, weights: npt.NDArray[np.float64]) -> None:
    """Weights are non-negative and sum to 1 (within :data:`WEIGHT_TOLERANCE`)."""
    negative = np.flatnonzero(weights < 0)
    if negative.size:
        raise _refused(
            path,
            f"{WEIGHT}: particle {negative[0]}: {weights[negative[0]]} is negative",
            "weights of 0 or more",
        )
    total = math.fsum(weights.tolist())
    if abs(total - 1) > WEIGHT_TOLERANCE:
        raise _refused(
            path,
            f"{WEIGHT}: the weights sum to {total:.15g}",
            f"weights summing to 1 within {WEIGHT_TOLERANCE:g}",
        )


def particle_scenarios(
    posterior: Posterior, scenario: Scenario, label: str, given: Sequence[str] = ()
) -> list[Scenario]:
    """``scenario`` with each particle's parameters set, one per particle.

    Args:
        posterior: the particles.
        scenario: the scenario they apply to (overrides already applied).
        label: the scenario's file, named in the problems.
        given: the user's ``--set`` overrides, which must not name a calibrated parameter.

    Raises:
        InputError: one line if the user sets a calibrated parameter, or a particle's value is
            not one the scenario takes (an unknown key, a value outside its range).

    """
    keys = {item.partition("=")[0].strip() for item in given}
    clash = [p for p in posterior.parameters if p in keys]
    if clash:
        raise InputError(
            [
                f"--set {clash[0]}: is a calibrated parameter of {posterior.folder}, which sets it "
                "(allowed: --set of other keys)"
            ]
        )
    data = scenario.to_data()
    scenarios = []
    for particle in range(len(posterior.weights)):
        overrides = posterior.overrides(particle)
        try:
            scenarios.append(load_scenario(data, overrides))
        except InputError as error:
            problem = error.problems[0]
            for item in overrides:  # name the parameter, not an override the user never gave
                problem = problem.removeprefix(f"--set {item}: ")
            raise InputError(
                [f"{posterior.path}: particle {particle}: {problem} (in {label})"]
            ) from None
    return scenarios


def draw_particles(weights: npt.NDArray[np.float64], count: int, seed: int) -> list[int]:
    """``count`` particle indices drawn with replacement, each with probability its weight.

    The generator is the stream :data:`DRAWS_STREAM` of ``SeedSequence(seed)``, named as the
    model names its streams (``KazakhstanModel.stream``).
    """
    stream = np.random.SeedSequence(seed, spawn_key=(zlib.crc32(DRAWS_STREAM.encode()),))
    drawn = np.random.default_rng(stream).choice(len(weights), size=count, p=weights)
    return [int(i) for i in drawn]


def plain_error(error: BaseException) -> str:
    """An exception's message on one line."""
    return " ".join(str(error).split()) or type(error).__name__


def _refused(path: Path, what: str, allowed: str = ALLOWED) -> InputError:
    """The one-line refusal of a ``--posterior`` folder."""
    return InputError([f"{path}: --posterior: {what} (allowed: {allowed})"])
