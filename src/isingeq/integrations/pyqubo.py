"""PyQUBO models solved by isingeq's dimod samplers, decoded by PyQUBO's own decoder.

PyQUBO compiles a model with constraints and placeholders into a dimod BQM
(``model.to_bqm(feed_dict=...)``) and decodes samples back into its own variables and
constraints (``model.decode_sampleset(sampleset, feed_dict=...)``); any dimod sampler fits in
between, so ``isingeq.integrations.dimod.MeanFieldSampler`` does. :func:`sample_model` does the
three steps with one ``feed_dict``. That is not only shorter: PyQUBO 1.5 aborts the whole Python
process (an uncaught C++ exception) when ``decode_sampleset`` meets a placeholder missing from
its ``feed_dict``; here the placeholders are checked once, by ``to_bqm``, and the same
``feed_dict`` is passed to the decoder, so a missing value is a ValueError naming it.

Needs pyqubo and dimod: ``pip install "isingeq[pyqubo]"``.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from typing import Any

from .._optional import require
from .dimod import MeanFieldSampler

require("pyqubo", "isingeq.integrations.pyqubo", "pyqubo")  # fail early, naming the extra

__all__ = ["sample_model"]


def sample_model(
    model: Any,
    feed_dict: Mapping[str, float] | None = None,
    *,
    sampler: Any = None,
    **parameters: Any,
) -> tuple[list[Any], Any]:
    """Compile ``model`` to a BQM, sample it, and decode every sample with PyQUBO.

    Parameters
    ----------
    model : pyqubo model or expression
        A compiled model (``H.compile()``) or an expression, which is compiled.
    feed_dict : mapping of str to float, optional
        A value for every ``Placeholder`` of the model (penalty strengths and the like).
    sampler : dimod.Sampler, optional
        Default :class:`isingeq.integrations.dimod.MeanFieldSampler` ().
    **parameters
        Passed to ``sampler.sample`` (``num_reads``, ``seed``, ``time_limit``, ...). They are
        the sampler's: a ``time_limit`` counts from the sampler's call, not PyQUBO's compile,
        ``to_bqm`` and decoding around it (a sampler's own meaning of it is left alone).

    Returns
    -------
    decoded : list of pyqubo.DecodedSample
        One per row of the SampleSet, sorted lowest energy first (so ``decoded[k]`` is not
        necessarily row ``k`` of ``sampleset``): ``.sample``, ``.energy``,
        ``.constraints(only_broken=True)``, ``.array(name, index)``. Values are 0/1 even for
        Spin variables: PyQUBO's ``to_bqm`` compiles to a BINARY BQM.
    sampleset : dimod.SampleSet
        What the sampler returned (energies of the compiled BQM, labels PyQUBO's).

    Raises
    ------
    ValueError
        If a placeholder of the model has no value in ``feed_dict`` (the message names it), a
        value is NaN or infinite, or ``sampler`` returned a SampleSet whose variables are not
        the BQM's (PyQUBO's decoder would abort the process or decode a missing one as 0).
    TypeError
        If ``model`` is not a PyQUBO model or expression, or a ``feed_dict`` value is not a
        real number.

    Examples
    --------
    >>> from pyqubo import Binary, Constraint, Placeholder
    >>> a, b = Binary("a"), Binary("b")
    >>> H = -a - 2 * b + Placeholder("P") * Constraint((a + b - 1) ** 2, label="one_hot")
    >>> decoded, ss = sample_model(H, {"P": 5.0}, num_reads=2, seed=0)
    >>> sorted(decoded[0].sample.items()), decoded[0].constraints(only_broken=True)
    ([('a', 0), ('b', 1)], {})
    """
    if hasattr(model, "compile"):
        model = model.compile()
    if not hasattr(model, "to_bqm") or not hasattr(model, "decode_sampleset"):
        raise TypeError(
            f"`model` must be a PyQUBO model (H.compile()) or expression; got {type(model).__name__}"
        )
    feed = dict(feed_dict or {})
    for key, value in feed.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"`feed_dict[{key!r}]` must be a real number; got {value!r}")
        try:
            finite = math.isfinite(float(value))
        except OverflowError:  # an int beyond float's range
            finite = False
        if not finite:
            raise ValueError(f"`feed_dict[{key!r}]` must be finite; got {value!r}")
    feed = {str(k): float(v) for k, v in feed.items()}
    try:
        bqm = model.to_bqm(feed_dict=feed)
    except ValueError as exc:  # PyQUBO: "the value of A is not provided in feed_dict."
        found = re.search(r"value of (.+?) is not provided", str(exc))
        name = found.group(1) if found else "a placeholder"
        raise ValueError(
            f"`feed_dict` must give every Placeholder of the PyQUBO model a value; {name!r} is "
            f"unbound (got feed_dict={feed!r})"
        ) from exc
    sampleset = (MeanFieldSampler() if sampler is None else sampler).sample(bqm, **parameters)
    _check_labels(bqm.variables, sampleset.variables)
    decoded = model.decode_sampleset(sampleset, feed_dict=feed)
    return sorted(decoded, key=lambda d: d.energy), sampleset


def _check_labels(expected: Any, got: Any) -> None:
    """The SampleSet must label exactly the BQM's variables: PyQUBO 1.5's decoder aborts the
    Python process on a label it does not know, and decodes a missing one as 0, with an energy
    that is not the sample's."""
    extra = [v for v in got if v not in expected]
    missing = [v for v in expected if v not in got]
    if extra or missing:
        what = (
            f"has {extra[0]!r}, not a variable of the model" if extra else f"lacks {missing[0]!r}"
        )
        raise ValueError(
            f"the `sampler`'s SampleSet must label exactly the variables of the compiled BQM "
            f"({len(expected)} of them); it {what} ({len(extra)} extra, {len(missing)} missing)"
        )
