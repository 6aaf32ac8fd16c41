"""``method="tabu"``: the ``t = infinity`` update of eq. 16 with memory (1-flip tabu search).

At ``t = infinity`` eq. 16 reads ``n_i = step(xi_i)``: a variable sits on the side its field
points to, and :mod:`.greedy` applies that update until no variable wants to move (a 1-flip
stable state, a local minimum of ``H``). Tabu search keeps applying it past that point: every
move flips the variable of largest gain ``g_i = (1 - 2 n_i) xi_i`` (the drop in ``H``; uphill,
the least uphill, once nothing is downhill) among those not flipped in the last ``tenure``
moves, unless the flip reaches a state below the best met so far (aspiration); when every
variable is tabu and none aspires (a model of at most ``tenure + 9`` variables), the one whose
tabu ends first flips. The memory keeps the walk from falling straight back into the minimum it
left, so it crosses the barriers between neighbouring minima that the plain update cannot,
which is the intensification the annealing of eq. 16 lacks once it has frozen in a good basin.

On a dense model one move scans all ``n`` gains (``O(n)``) and updates the fields along one
row of ``J``, so a move costs about what one row of a dense sweep does. On a sparse model that
scan would be nearly all of a move's time, so the gains are kept in two max-trees (the
variables not tabu, the tabu ones) and a move updates only the ``O(degree)`` gains its flip
changes, ``O(degree log n)`` in all (:func:`by_trees` chooses, from the degree and ``n``;
``benchmarks/bench_tabu.py`` times both kernels). The rule is the same; only the random choice
among equal gains draws differently, so where no two gains tie both kernels make the same
moves. :mod:`.mfa_hybrid` uses tabu search as its second phase on dense or well connected
models (the OR-Library and Biq Mac QUBOs, random graphs of mean degree 16 or more), with the
scan on which that phase was tuned; on sparse lattices the thermal tail is its second phase
(``benchmarks/bench_hybrid.py``).

The tenure, ``n / 100`` moves plus a random 0..9, is the classic choice for the OR-Library
QUBOs (Glover, Kochenberger & Alidaee 1998; Palubeckis 2004) and was kept after measuring it on
the tuning instances (``isingeq.datasets.TUNED_ON``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np

from .._resources import memory_shortfall
from .._validation import check_int
from ..model import SpinGlass
from ..result import SolveResult
from . import _kernels, _progress
from ._common import (
    ChunkClock,
    fields,
    load_kernels,
    reads_of,
    start_states,
    target_reached,
    time_budget,
)
from ._registry import register
from .greedy import descend, descent_converged, load_descent, stability_slack

__all__ = ["TabuSearch", "by_trees", "couplings", "default_tenure", "load_moves", "solve_tabu"]

#: Random extra tenure, uniform in 0 .. _TENURE_RAND - 1 moves (breaks cycles of equal tenure).
_TENURE_RAND = 10
#: The scan / tree crossover of :func:`by_trees`, in scanned entries per tree update.
_TREE_FACTOR = 4.0
#: Fewest moves per chunk without a time limit: at n = 20, 64 sweeps' chunks made 32 parallel
#: launches of 0.15 ms each per mfa-hybrid solve, and a launch waits for every thread to get a
#: core (slow on a busy machine).
_LEAST_CHUNK = 1 << 15


def default_tenure(n: int) -> int:
    """``max(1, n // 100)`` moves (module docstring)."""
    return max(1, n // 100)


def couplings(model: SpinGlass) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(indptr, indices, data, J)`` of the replica kernels (tabu, the thermal tail): the CSR
    arrays or the dense float64 ``J``, the other storage empty."""
    J = model.J
    if model.is_sparse:
        return (J.indptr, J.indices, np.asarray(J.data, dtype=np.float64), _kernels.NO_DENSE)
    return (*_kernels.NO_CSR, np.ascontiguousarray(J, dtype=np.float64))


def by_trees(model: SpinGlass, tenure: int | None = None, num_reads: int = 1) -> bool:
    """Whether tabu's moves keep the gains in max-trees (:func:`~._kernels.tabu_moves_sparse`,
    ``O(degree log n)`` a move) rather than scanning them (``O(n)``): on sparse models whose
    scan costs more than a tree's updates, about ``n > 4 (degree + 1) log2 n``
    (``benchmarks/bench_tabu.py`` measures both kernels), where the trees' state fits: a
    ``tenure`` beyond ``2 n + 64`` moves (whose queue of tabu ends would grow with it) and
    trees over the memory limit keep the scan."""
    n = model.n
    if not model.is_sparse or n < 2:
        return False
    degree = model.J.nnz / n
    if n <= _TREE_FACTOR * (degree + 1.0) * np.log2(n):
        return False
    return _trees_refused(n, default_tenure(n) if tenure is None else tenure, num_reads) is None


def _trees_refused(n: int, tenure: int, num_reads: int) -> str | None:
    """Why the trees' state cannot be held (None where it can)."""
    if tenure + _TENURE_RAND > 2 * n + 64:
        return f"tenure={tenure} exceeds the trees' queue of tabu ends (2 n + 64 moves)"
    short = memory_shortfall(float(num_reads) * _trees_bytes(n, tenure))
    return None if short is None else f"the trees of {num_reads} replicas need {short}"


def _tree_leaves(n: int) -> int:
    """The trees' leaf count: the power of two >= n."""
    return 1 << max(0, (n - 1).bit_length())


def _queue_shape(tenure: int) -> tuple[int, int]:
    """The queue of tabu ends: ``W`` slots (a tabu lasts ``tenure .. tenure + _TENURE_RAND - 1``
    moves, so the ends pending at once span ``W``), each of ``C`` entries (at most that many
    flips can end their tabu at the same move)."""
    return tenure + _TENURE_RAND + 1, max(_TENURE_RAND, 1)


def _trees_bytes(n: int, tenure: int) -> float:
    """The bytes of one replica's trees (4 arrays of 2P) and queue of tabu ends."""
    W, C = _queue_shape(tenure)
    return 64.0 * _tree_leaves(n) + 8.0 * W * (C + 1)


def _trees_state(R: int, n: int, tenure: int) -> tuple[np.ndarray, ...]:
    """Empty trees and queues for ``R`` replicas (filled by the kernel's first call)."""
    P2 = 2 * _tree_leaves(n)
    W, C = _queue_shape(tenure)
    return (
        np.empty((R, P2)),
        np.empty((R, P2), dtype=np.int64),
        np.empty((R, P2)),
        np.empty((R, P2), dtype=np.int64),
        np.empty((R, W, C), dtype=np.int64),
        np.zeros((R, W), dtype=np.int64),
    )


def load_moves(model: SpinGlass, trees: bool | None = None) -> None:
    """Load the tabu kernel for ``model``'s storage (the trees' where ``trees``, or
    :func:`by_trees` when None, says so), on no replicas (:func:`~._common.load_kernels`)."""
    n = model.n
    X, G, v = np.zeros((0, n), dtype=np.uint8), np.zeros((0, n)), np.zeros(0)
    tabu, it, states = np.zeros((0, n), np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint64)
    args = (0, 1, _TENURE_RAND, 0.0, X, G, v, X.copy(), v.copy(), tabu, it, states)
    if by_trees(model) if trees is None else trees:
        state = (*_trees_state(0, n, 1), True, np.zeros(0, dtype=np.int64))
        _kernels.tabu_moves_sparse(*couplings(model)[:3], *args, *state)
    else:
        _kernels.tabu_moves(*couplings(model), *args)


@dataclass
class TabuSearch:
    """The state of a batch of tabu searches, advanced in chunks of moves by :meth:`advance`.

    The energies are kept relative to the starting states (``e0``): ``best_energy`` is
    ``e0 + best_E``. Used by :func:`solve_tabu` and by :mod:`.mfa_hybrid`'s second phase.
    """

    model: SpinGlass
    X: np.ndarray  # (R, n) uint8, the current states
    tenure: int
    gen: np.random.Generator
    moves: int = 0  # per replica, so far
    #: The max-trees kernel (True), the scan (False), or :func:`by_trees`'s choice (None).
    trees: bool | None = None
    G: np.ndarray = field(init=False)
    E: np.ndarray = field(init=False)
    best_X: np.ndarray = field(init=False)
    best_E: np.ndarray = field(init=False)
    e0: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        R, n = self.X.shape
        Xf = self.X.astype(np.float64)
        self.G = fields(self.model, Xf)
        self.e0 = np.asarray(self.model._energy_unchecked(Xf), dtype=np.float64)
        self.E = np.zeros(R)
        self.best_X = self.X.copy()
        self.best_E = np.zeros(R)
        self._tabu = np.zeros((R, n), dtype=np.int64)
        self._it = np.zeros(R, dtype=np.int64)
        self._states = self.gen.integers(1, 2**63 - 1, size=R, dtype=np.int64).astype(np.uint64)
        self._tol = -stability_slack(self.model)
        self._couplings = couplings(self.model)
        self.tenure = check_int("tenure", self.tenure, low=1)
        if self.trees is None:
            self._trees = by_trees(self.model, self.tenure, R)
        else:
            self._trees = bool(self.trees)
            if self._trees and not self.model.is_sparse:
                raise ValueError(
                    f"`trees`={self.trees!r}: the max-trees kernel runs on sparse (CSR) "
                    "couplings only; this model is dense (pass trees=None or False)"
                )
            why = _trees_refused(n, self.tenure, R) if self._trees else None
            if why is not None:
                raise ValueError(f"`trees`={self.trees!r}: {why}; pass trees=None or False")
        self._tree_state = _trees_state(R, n, self.tenure) if self._trees else ()
        self._status = np.zeros(R, dtype=np.int64)
        self._tenure = self.tenure  # the trees' queue is sized for it
        self._built = False
        if self._trees:  # built now, so that a time limit's first chunk measures moves only
            self._kernel(0)

    @property
    def best_energy(self) -> float:
        """The lowest energy met, as tracked (``e0 + best_E``: within rounding of the model's)."""
        return float((self.e0 + self.best_E).min())

    def reached(self, target_energy: float | None) -> bool:
        """Whether a best state reaches ``H <= target_energy``, recomputed near the target
        (:func:`~._common.target_reached`: the tracked sum can end an ulp above it)."""
        return target_reached(self.model, self.best_energy, target_energy, self.best_X)

    def advance(self, moves: int) -> None:
        """``moves`` more moves on every replica (the same as if run in one call); reports a
        progress event (:mod:`._progress`)."""
        self._kernel(moves)
        self.moves += moves
        _progress.report("tabu", self.best_energy, self.moves // self.model.n)

    def _kernel(self, moves: int) -> None:
        args = (moves, self.tenure, _TENURE_RAND, self._tol, self.X, self.G, self.E)
        tail = (self.best_X, self.best_E, self._tabu, self._it, self._states)
        if self._trees:
            if self.tenure != self._tenure:
                raise ValueError(
                    f"`tenure` changed from {self._tenure} to {self.tenure} after the search was "
                    "made (its queue of tabu ends is sized for the first); make a new TabuSearch"
                )
            state = (*self._tree_state, not self._built, self._status)
            _kernels.tabu_moves_sparse(*self._couplings[:3], *args, *tail, *state)
            self._built = True
            if self._status.any():  # only when the state was changed outside the kernel
                raise RuntimeError(
                    "tabu's max-trees lost track of the tabu ends (the search's state was "
                    "changed outside its kernel); make a new TabuSearch"
                )
        else:
            _kernels.tabu_moves(*self._couplings, *args, *tail)

    def run(
        self,
        *,
        moves: int | None = None,
        deadline: int | None = None,
        target_energy: float | None = None,
    ) -> str:
        """Advance until ``moves`` more moves, the ``deadline`` (perf_counter ns) or the target.

        With a deadline, the moves are run in chunks sized from the measured move rate (about an
        eighth of the time left each, so the clock and the target are checked often enough and
        the last chunk ends close to the deadline). Returns why it stopped: "schedule",
        "time_limit", "target_energy" or "interrupted" (Ctrl-C, :mod:`._progress`).
        """
        n = self.model.n
        if deadline is None:
            total = int(moves if moves is not None else 0)
            # 64 sweeps' worth, but at least _LEAST_CHUNK moves: each chunk is a parallel launch
            # (and a target check), and on a small model 64 n moves take microseconds
            chunk = max(1, min(total, max(64 * n, _LEAST_CHUNK)))
            done = 0
            while done < total:
                k = min(chunk, total - done)
                self.advance(k)
                done += k
                if self.reached(target_energy):
                    return "target_energy"
                if _progress.stop_requested():
                    return "interrupted"
            return "schedule"
        clock = ChunkClock(deadline, first=max(1, min(n, 256)), least=64)
        while True:
            step = clock.plan()
            if step is None:
                return "time_limit"
            k, fit = step
            clock.run(k, self.advance, k)
            if self.reached(target_energy):
                return "target_energy"
            if _progress.stop_requested():
                return "interrupted"
            if k == fit:
                return "time_limit"


@register("tabu", interruptible=True)
def solve_tabu(
    model: SpinGlass,
    *,
    rng: np.random.Generator | None = None,
    num_reads: int | None = None,
    num_sweeps: int = 100,
    tenure: int | None = None,
    time_limit: float | None = None,
    target_energy: float | None = None,
    initial_states: Any = None,
    max_sweeps: int = 10_000,
) -> SolveResult:
    """1-flip tabu search: eq. 16's ``t = infinity`` update with a memory of recent flips.

    Option names and units are those of every method (``docs/vocabulary.md``).

    Parameters
    ----------
    model : SpinGlass
        Dense or sparse (a numba kernel for each).
    rng : None, int, SeedSequence or Generator, optional
        Draws the random starts, the random part of the tenure and the tie breaks.
    num_reads : int, optional
        Independent searches, run in parallel; default the rows of a 2-D ``initial_states``,
        else the number of numba threads (a 1-D one starts every read).
    num_sweeps : int, default 100
        Length of each search without a ``time_limit``, in sweeps of ``n`` moves (one move
        flips one variable: after scanning all ``n`` gains, or on a sparse model reading them
        from the max-trees, module docstring).
    tenure : int, optional
        Moves during which a flipped variable may not flip back (unless that reaches a new
        best); default ``max(1, n // 100)`` (module docstring), plus a random 0..9 each time.
    time_limit : float, optional
        Seconds of wall time from entry; the search runs until then (``num_sweeps`` is ignored).
    target_energy : float, optional
        Stop as soon as a search reaches ``H <= target_energy`` (checked between chunks).
    initial_states : array_like, shape (n,) or (num_reads, n), optional
        0/1 starting states; uniform random if omitted.
    max_sweeps : int, default 10000
        Cap on the sweeps of the final ``t = infinity`` descent of each best state;
        ``info["converged"]`` says which reads reached its fixed point.

    Returns
    -------
    SolveResult
        ``samples``: the best state each search met, 1-flip stable unless ``max_sweeps`` cut
        its descent short. ``info``: the core of :mod:`isingeq.result` (``sweeps``: moves / n;
        ``stopped``: "schedule", "time_limit" or "target_energy"), ``moves`` (per search),
        ``converged`` (per read: 1-flip stable, as greedy's).

    Raises
    ------
    ValueError
        On ``num_reads``, ``num_sweeps`` or ``tenure < 1``, ``time_limit <= 0``, or bad
        ``initial_states``.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.paper_instance(12, rng=0)
    >>> r = isingeq.solve(m, method="tabu", rng=1, num_sweeps=20)
    >>> bool(abs(r.best_energy - isingeq.solve(m, method="exact").best_energy) < 1e-12)
    True
    """
    t_begin = time.perf_counter_ns()
    n = model.n
    S = check_int("num_sweeps", num_sweeps, low=1)
    tenure = check_int("tenure", default_tenure(n) if tenure is None else tenure, low=1)
    max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
    _, deadline, target_energy = time_budget(t_begin, time_limit, target_energy)
    gen = rng if rng is not None else np.random.default_rng()
    # a 1-D initial_states is one start for every read, as in every method: the default count
    R = check_int("num_reads", reads_of(num_reads, initial_states, numba.get_num_threads()), low=1)
    if initial_states is None:
        X0 = gen.integers(0, 2, size=(R, n), dtype=np.uint8)
    else:
        X0 = start_states(model, initial_states, R, binary=True).astype(np.uint8)
    # numba's one-off loads are not the solve's time (they were read as the move rate)
    # the kernel the search will run (its tenure and replicas decide), loaded off the clock
    trees = by_trees(model, tenure, X0.shape[0])
    deadline = load_kernels(deadline, lambda: load_moves(model, trees), lambda: load_descent(model))
    search = TabuSearch(model, X0, tenure, gen, trees=trees)
    stopped = search.run(moves=S * n, deadline=deadline, target_energy=target_energy)
    Xs, used = descend(model, search.best_X, max_sweeps)
    info: dict[str, Any] = {
        "options": {"num_reads": X0.shape[0], "tenure": tenure},
        "sweeps": search.moves // n,
        "stopped": stopped,
        "moves": search.moves,
        "converged": descent_converged(model, Xs, used, max_sweeps),
    }
    return SolveResult.from_samples(model, Xs, "tabu", info=info)
