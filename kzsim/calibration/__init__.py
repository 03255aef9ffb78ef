"""Calibration of free parameters against the observed targets by ABC-SMC (pyabc).

``kzsim calibrate FILE``: :mod:`~kzsim.calibration.schema` (the file), :mod:`~.load` (loading and
checking it), :mod:`~.smc` (the ABC-SMC loop, priors and samplers), :mod:`~.simulator` (the model
as ABC sees it), :mod:`~.calibrate` (the output folder), :mod:`~.figures` and :mod:`~.commands`.
"""
