"""The torch backend of ``mfa`` and ``mfa-async``: their sweeps as torch tensor operations.

Selected with ``backend="torch"`` and a ``device`` ("cpu", "cuda", "cuda:1", "mps", ...); the
methods keep their ladders, rounds, time limits and final ``t = infinity`` descent (on the CPU,
in float64), and hand the sweeps to the two classes here:

* :class:`MeanFieldSweeps` (``mfa``): the replicas are the columns of one (n, R) tensor, so a
  synchronous sweep is one product ``h + J S`` (dense, or ``torch.sparse_csr`` for sparse
  models) and a few elementwise passes -- the GPU's natural kernel;
* :class:`ColouredSweeps` (``mfa-async``): the coupling graph is coloured greedily
  (:mod:`isingeq.backends._colouring`), and a sweep updates one colour class at a time, all its
  nodes and replicas at once. Nodes of a class are not coupled, so each update sees its
  neighbours' latest values, as in the one-node-at-a-time numba kernel: the coloured sweep is the
  asynchronous sweep in the order "class 0, class 1, ...". Few colours (sparse graphs: G81's
  torus takes 2) make it parallel; a dense model has one node per class (use ``mfa`` there).

Precision: float32 by default; float64 reproduces the numpy backend's trajectories (tested);
float16 and bfloat16 halve the memory traffic where the device supports them (not for sparse
products on the CPU). The couplings and fields are stored divided by the power of two nearest
their typical size (:func:`isingeq.solvers._common.field_scale`) and ``t`` multiplied by it --
the same ``t xi``, exactly (a power of two only moves the exponent) -- so that float16's narrow
range (6e-5 to 65504) holds models of any coupling scale. The error each costs is measured by ``benchmarks/bench_torch.py``
(figures in the README, "GPU and torch"). On CUDA, float32 products use TF32 tensor cores when
the user enables them (``torch.set_float32_matmul_precision("high")``); this module changes no
global setting.

The final descent: on a GPU, a dense ``mfa`` run first descends on the device
(:func:`steepest_descent`, every replica's best flip at once, in float32), so that the CPU's
float64 descent, which decides the result, starts 1-flip stable or nearly: from a state cut
short by a ``time_limit``, the CPU descent of 1,024 replicas at n = 10,000 took 4-5 s on an
H200's 16 host cores (``benchmarks/bench_gpu.py``).

Randomness: one ``torch.Generator`` on the device, seeded at every round from the method's
numpy Generator (the key the numpy kernels hash), so a seed gives the same run on a device.
The noise has the numpy backend's standard deviation; its draws differ (Gaussian for ``mfa``,
where the numpy kernel hashes an Irwin-Hall(4) variate; uniform for ``mfa-async``, from
torch's stream rather than xorshift).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch

from .._resources import fmt_bytes, memory_limit
from ..model import SpinGlass
from ..solvers._common import field_scale, pow2
from ..solvers._kernels import FLUSH_BELOW
from ._colouring import colour_classes

__all__ = ["DTYPES", "ColouredSweeps", "MeanFieldSweeps", "available_devices", "resolve_device"]

#: ``dtype`` names the torch backend accepts.
DTYPES: dict[str, torch.dtype] = {
    "float32": torch.float32,
    "float64": torch.float64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
}


def available_devices() -> list[str]:
    """The devices this torch can run on, e.g. ``["cpu", "cuda:0"]``."""
    out = ["cpu"]
    if torch.cuda.is_available():
        out += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if torch.backends.mps.is_available():
        out.append("mps")
    return out


def resolve_device(device: str | torch.device | None) -> torch.device:
    """``device`` (a name or a ``torch.device``; None: "cpu") as a torch device that exists here.

    Raises
    ------
    ValueError
        On a name torch does not know, or a device this machine does not have (a CUDA index
        beyond its cards, a CPU or MPS index other than 0, an index beyond another backend's
        ``device_count()``); the message lists the available ones.
    """
    name = "cpu" if device is None else device
    where = f"available: {available_devices()} (torch {torch.__version__})"
    try:
        dev = torch.device(name)
    except (RuntimeError, ValueError, TypeError) as err:
        raise ValueError(f"`device`={device!r} is not a torch device; {where}") from err
    if dev.type == "cpu":
        if dev.index not in (None, 0):
            raise ValueError(f"`device`={device!r}: the CPU is one device, 'cpu'; {where}")
        return torch.device("cpu")
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"`device`={device!r}: this torch has no usable CUDA; {where}")
        index = torch.cuda.current_device() if dev.index is None else dev.index
        if index >= torch.cuda.device_count():
            raise ValueError(f"`device`={device!r}: no CUDA device {index}; {where}")
        return torch.device("cuda", index)
    if dev.type == "mps":
        if not torch.backends.mps.is_available():
            raise ValueError(f"`device`={device!r}: MPS is not available; {where}")
        if dev.index not in (None, 0):
            raise ValueError(f"`device`={device!r}: MPS is one device, 'mps'; {where}")
        return dev
    module = getattr(torch, dev.type, None)
    available = getattr(module, "is_available", None)
    if not callable(available) or not available():
        raise ValueError(f"`device`={device!r} is not available; {where}")
    count = getattr(module, "device_count", None)
    if dev.index is not None and callable(count) and dev.index >= count():
        raise ValueError(f"`device`={device!r}: no {dev.type} device {dev.index}; {where}")
    return dev


def _free_bytes(dev: torch.device) -> float | None:
    """Memory free for new tensors on ``dev`` (None where torch cannot say): the device's free
    memory on CUDA, the memory limit of every isingeq guard on the CPU
    (:func:`isingeq._resources.memory_limit`, ``$ISINGEQ_MEMORY_LIMIT``)."""
    if dev.type == "cuda":
        return float(torch.cuda.mem_get_info(dev)[0])
    if dev.type == "cpu":
        return memory_limit()
    return None


def _check_memory(dev: torch.device, couplings: int, states: int, host: int) -> None:
    """An error with the estimate, before anything is allocated, when it would not fit.

    ``host`` is what the method holds in the host's memory besides (its replicas in float64,
    the descent, the results: ``isingeq.solvers._common.HOST_BYTES_PER_STATE``); on the CPU the
    device *is* the host, so it counts against the same memory."""
    free = _free_bytes(dev)
    on_host = dev.type == "cpu"
    need = couplings + states + (host if on_host else 0)
    if free is not None and need > free:
        parts = f"couplings {fmt_bytes(couplings)}, replica states {fmt_bytes(states)}"
        if on_host:
            parts += f", the method's host arrays {fmt_bytes(host)}"
        have = (
            f"the memory limit is {fmt_bytes(free)} ($ISINGEQ_MEMORY_LIMIT or this machine's)"
            if on_host
            else f"{fmt_bytes(free)} free"
        )
        raise ValueError(
            f"the model does not fit on device '{dev}': an estimated {fmt_bytes(need)} "
            f"({parts}); {have}; use fewer `num_reads`, a smaller `dtype` or another `device`"
        )


def _coupling_bytes(J: Any, rows: int, itemsize: int) -> int:
    if sp.issparse(J):
        return int(J.nnz) * (itemsize + 8) + (rows + 1) * 8
    return rows * int(J.shape[1]) * itemsize


#: Elements of a dense coupling matrix scaled on the host per transfer (128 MiB of float64):
#: the whole matrix is never copied at once.
_BLOCK = 1 << 24


def _couplings(
    J: Any, rows: np.ndarray | None, dtype: torch.dtype, dev: torch.device, scale: float
) -> Any:
    """Rows of ``J`` (all when ``rows`` is None) divided by ``scale`` as a dense or sparse CSR
    tensor on ``dev`` (scaled in float64 on the host, block by block, then cast).

    With ``scale`` the typical field (:func:`~isingeq.solvers._common.field_scale`, rounded to
    a power of two), no scaled coupling exceeds ``2 sqrt(2 n)``: float16 holds every model of
    fewer than 10^8 nodes.
    """
    if sp.issparse(J):
        A = sp.csr_array(J if rows is None else J[rows])
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")
            warnings.filterwarnings("ignore", message="Sparse invariant checks are implicitly")
            return torch.sparse_csr_tensor(
                torch.from_numpy(A.indptr.astype(np.int64)),
                torch.from_numpy(A.indices.astype(np.int64)),
                torch.from_numpy(A.data / scale).to(dtype),
                size=A.shape,
                device=dev,
                check_invariants=False,
            )
    D = np.asarray(J)
    # a class's rows too are taken block by block (a fancy index copies: the whole class
    # at once, in float64)
    count = D.shape[0] if rows is None else len(rows)
    out = torch.empty((count, D.shape[1]), dtype=dtype, device=dev)
    step = max(1, _BLOCK // max(1, D.shape[1]))
    for i in range(0, count, step):
        block = D[i : i + step] if rows is None else D[rows[i : i + step]]
        out[i : i + step] = torch.from_numpy(block / scale).to(dev, dtype)
    return out


def _probe(J: Any, h: torch.Tensor, dtype_name: str, dev: torch.device) -> None:
    """One tiny product, so that a dtype the device cannot multiply is a ValueError now."""
    try:
        torch.addmm(h, J, torch.zeros((J.shape[1], 1), dtype=h.dtype, device=dev))
    except (RuntimeError, NotImplementedError) as err:
        kind = "sparse" if J.layout == torch.sparse_csr else "dense"
        raise ValueError(
            f"`dtype`={dtype_name!r} is not supported by torch {torch.__version__} for {kind} "
            f"models on device '{dev}' ({str(err).splitlines()[0]}); use 'float32'"
        ) from err


def _device_dtype(name: str, dev: torch.device) -> torch.dtype:
    """The torch dtype of ``name`` on ``dev``: float64 is refused on MPS (Apple's GPUs have
    none) with a ValueError, before any tensor is made."""
    if dev.type == "mps" and name == "float64":
        raise ValueError(f"`dtype`='float64' is not supported on device '{dev}'; use 'float32'")
    return DTYPES[name]


def _sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)
    elif dev.type == "mps":
        torch.mps.synchronize()


def _t_cap(dtype: torch.dtype) -> float:
    """Largest ``t`` used: 1e30 as in the numpy kernels, or the dtype's largest finite value
    (``t * 0`` must stay 0, where an infinite ``t`` would give nan)."""
    return min(1e30, float(torch.finfo(dtype).max))


class _OnDevice:
    """What both sweep engines hold: the device, the dtype, the generator, the model's scale
    (couplings and fields stored divided by it, ``t`` multiplied) and the largest ``t``."""

    def __init__(self, model: SpinGlass, dtype: str, device: str | torch.device | None) -> None:
        self.dev = resolve_device(device)
        self.device = str(self.dev)
        self.dtype = _device_dtype(dtype, self.dev)
        self.item = torch.finfo(self.dtype).bits // 8
        self.scale = pow2(field_scale(model))
        self.gen = torch.Generator(device=self.dev)
        self.t_cap = _t_cap(self.dtype)


class MeanFieldSweeps(_OnDevice):
    """``mfa``'s synchronous sweep on a device: ``S += step (sigmoid(t (h + J S + noise)) - S)``.

    The numpy twin is ``isingeq.solvers.mfa._Sweeps``; ``solve_mfa`` drives either through
    ``load`` (a round's start), ``sweeps`` / ``sweep``, ``residual``, ``states`` and ``sync``.

    Parameters
    ----------
    model : SpinGlass
        Dense or sparse.
    num_reads : int
        Replicas R (columns of the (n, R) state).
    dtype : str
        A key of :data:`DTYPES`.
    device : str, torch.device or None
        A torch device (None: "cpu").
    host_bytes : int, default 0
        What the method holds in the host's memory besides (counted with the device's
        tensors when the device is the CPU, :func:`_check_memory`).

    Raises
    ------
    ValueError
        On an unavailable device, a dtype the device cannot multiply, or a model and replicas
        that do not fit in the device's free memory (with the estimate, before allocating).
    """

    def __init__(
        self,
        model: SpinGlass,
        num_reads: int,
        dtype: str,
        device: str | torch.device | None,
        host_bytes: int = 0,
    ) -> None:
        super().__init__(model, dtype, device)
        n, item = model.n, self.item
        per_state = 3 * item  # S, XI and the noise
        if self.dev.type != "cpu" and not model.is_sparse:
            per_state = max(per_state, _DESCENT_BYTES)  # the finish on the device (descended)
        _check_memory(
            self.dev, _coupling_bytes(model.J, n, item), per_state * n * num_reads, host_bytes
        )
        self.J = _couplings(model.J, None, self.dtype, self.dev, self.scale)
        self.h = torch.from_numpy(model.h / self.scale).to(self.dev, self.dtype).reshape(n, 1)
        _probe(self.J, self.h, dtype, self.dev)

    def _tensor(self, a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(a)).to(self.dev, self.dtype)

    def load(self, S: np.ndarray, step: np.ndarray, mask: np.ndarray, key: int) -> None:
        """Start a round from ``S`` (n, R); ``step`` = 1 - damping and the noise ``mask`` per
        replica (R,); ``key`` seeds the round's noise."""
        self.S = self._tensor(S)
        self.XI = torch.empty_like(self.S)
        self.Z: torch.Tensor | None = None
        self.step = self._tensor(step)
        self.mask = self._tensor(mask)
        self.gen.manual_seed(int(key))
        self.res = torch.full((), math.inf, device=self.dev)

    def sweep(self, t: float, sig: float, k: int) -> None:
        """One sweep at ``t`` with noise of standard deviation ``sig`` (``k``: the numpy
        twin's counter, unused: the generator's stream moves on by itself)."""
        XI = self.XI
        torch.addmm(self.h, self.J, self.S, out=XI)  # xi / scale
        if sig > 0.0:
            if self.Z is None:
                self.Z = torch.empty_like(XI)
            torch.randn(XI.shape, generator=self.gen, out=self.Z)
            XI.addcmul_(self.Z, self.mask * (sig / self.scale))
        # now sigmoid(t xi) - S
        XI.mul_(min(t * self.scale, self.t_cap)).sigmoid_().sub_(self.S)
        self.res = torch.linalg.vector_norm(XI, ord=math.inf)
        self.S.addcmul_(XI, self.step)
        # as the numba sweep: a saturated <n> halves towards 0 every sweep, and subnormal
        # float32 made the CPU's whole solve 4.2x slower (benchmarks/bench_torch.py)
        self.S.masked_fill_(self.S < FLUSH_BELOW, 0.0)

    def sweeps(self, ts: np.ndarray, sigs: list[float], k: int) -> None:
        """:meth:`sweep` at each ``t`` of ``ts`` with the noise ``sigs`` (queued on the device:
        no Python-side cost to save by fusing, unlike the numba twin)."""
        for j, (t, sig) in enumerate(zip(ts, sigs, strict=True)):
            self.sweep(float(t), sig, k + j)

    def residual(self) -> float:
        """The last sweep's ``max |sigmoid(t xi) - S|`` (before its update)."""
        return float(self.res)

    def states(self) -> np.ndarray:
        """The current ``S`` (n, R) as a float64 array on the host."""
        return self.S.cpu().to(torch.float64).numpy()  # on the host: MPS has no float64

    def descended(self, slack: float, max_sweeps: int | None = None) -> np.ndarray | None:
        """The current states rounded and descended on the device (:func:`steepest_descent`,
        at most ``max_sweeps`` x n flips per replica, a sweep's worth of flips each), as uint8
        (R, n) on the host; None where the CPU's descent is as fast (the CPU device) or a
        column gather is not a cheap kernel (sparse couplings)."""
        if self.dev.type == "cpu" or self.J.layout != torch.strided:
            return None
        rounded = self.S > 0.5
        # the round's buffers are not needed again (load() makes new ones): room for the
        # descent's (counted by _DESCENT_BYTES in the memory check)
        self.S = self.XI = self.Z = None  # type: ignore[assignment]
        n = rounded.shape[0]
        steps = 2 * n + 16 if max_sweeps is None else min(2 * n + 16, max_sweeps * n)
        X = steepest_descent(self.J, self.h, rounded, slack / self.scale, steps)
        return X.T.contiguous().cpu().numpy()

    def residuals(self, M: np.ndarray, t: float) -> np.ndarray | None:
        """``max_i |M_i - sigmoid(t xi_i(M))|`` of each row of ``M`` (R, n), computed on the
        device in its dtype; None on the CPU device (the float64 host computation is as fast).
        On an H200 the host's took 1.4 s for 1,024 replicas of G81 (``bench_gpu.py``)."""
        if self.dev.type == "cpu":
            return None
        X = torch.from_numpy(M).to(self.dev, self.dtype).T.contiguous()
        Z = torch.addmm(self.h, self.J, X).mul_(min(t * self.scale, self.t_cap)).sigmoid_()
        return Z.sub_(X).abs_().amax(dim=0).cpu().to(torch.float64).numpy()  # MPS: no float64

    def sync(self) -> None:
        """Wait for the queued sweeps (before reading the clock)."""
        _sync(self.dev)


#: Device bytes per node and replica of :func:`steepest_descent` (the rounded states, then the
#: states, fields, gains and gathered rows in float32 at least): what a dense ``mfa`` run's
#: memory check counts on a GPU when it exceeds the sweeps' own three buffers.
_DESCENT_BYTES = 1 + 4 * 4


def steepest_descent(
    J: torch.Tensor, h: torch.Tensor, X: torch.Tensor, slack: float, max_steps: int | None = None
) -> torch.Tensor:
    """1-flip steepest descent of the replicas ``X`` (n, R), bool, for dense symmetric ``J``.

    Each step flips, in every replica at once, the node whose flip lowers ``H`` most, by more
    than ``slack``, and adds the node's row of ``J`` (its column: ``J`` is symmetric) to that
    replica's fields: a gather of R rows, not a product. A replica that no flip improves stops;
    the loop ends when none moves, or after ``max_steps`` (default ``2 n + 16``). The fields are
    float32 at least (float64 when ``J`` is), so the states are 1-flip stable up to that
    precision: the caller's float64 descent finishes them. Returns uint8 (n, R).
    """
    n, R = X.shape
    ft = torch.float64 if J.dtype == torch.float64 else torch.float32
    x = X.to(ft)
    if J.dtype == ft:
        G = torch.addmm(h.to(ft), J, x)  # fields, (n, R)
    else:  # row blocks: a float32 copy of a half-precision J is n^2 x 4 bytes the memory
        # check does not count (400 MB at n = 10,000)
        G = h.to(ft).expand(n, R).clone()
        step = max(1, _BLOCK // max(1, n))
        for i in range(0, n, step):
            G[i : i + step] += J[i : i + step].to(ft) @ x
    cols = torch.arange(R, device=X.device)
    steps = 2 * n + 16 if max_steps is None else max_steps
    for k in range(steps):
        gain = (1.0 - 2.0 * x).mul_(G)  # what flipping each node would lower H by
        best, idx = gain.max(dim=0)
        move = best > slack
        if k % 16 == 0 and not bool(move.any()):  # a device sync every 16 steps
            break
        d = (1.0 - 2.0 * x[idx, cols]) * move  # +1 / -1 where a replica flips, else 0
        x[idx, cols] += d
        G.addcmul_(J.index_select(0, idx).to(ft).T, d)  # J[:, i] = J[i, :]
    return x.to(torch.uint8)


class ColouredSweeps(_OnDevice):
    """``mfa-async``'s asynchronous sweeps on a device, one colour class at a time.

    Within a class (no two nodes coupled), every node and replica is updated at once:
    ``m_i = sigmoid(t (h_i + sum_j J_ij m_j + u))`` from the latest ``m``, with ``u`` uniform in
    ``(-amp/2, amp/2)``, the step value beyond ``|t xi| = 12`` and no change where it would move
    ``m_i`` by ``tol`` or less -- the rules of the numba kernels ``amfa_csr`` / ``amfa_dense``,
    so a run equals theirs on the model relabelled class by class (tested, float64).

    On a CPU that other processes keep busy, every torch operation's threads wait for the one
    that is descheduled, and a sweep can take orders of magnitude longer than on an idle one
    (``torch.set_num_threads(1)`` keeps it steady): ``mfa-async`` then fits fewer sweeps into
    a ``time_limit``, which its checks between colour classes (:meth:`anneal`) still keep.

    Parameters and errors as :class:`MeanFieldSweeps`.
    """

    def __init__(
        self,
        model: SpinGlass,
        num_reads: int,
        dtype: str,
        device: str | torch.device | None,
        host_bytes: int = 0,
    ) -> None:
        super().__init__(model, dtype, device)
        self.classes = colour_classes(model)
        self.n = n = model.n
        item = self.item
        widest = max(len(c) for c in self.classes)
        _check_memory(
            self.dev,
            _coupling_bytes(model.J, n, item) + n * 8,
            (n + 5 * widest) * num_reads * item,
            host_bytes,
        )
        h = model.h / self.scale
        self.blocks = []
        for rows in self.classes:
            hc = torch.from_numpy(h[rows]).to(self.dev, self.dtype).reshape(-1, 1)
            Jc = _couplings(model.J, rows, self.dtype, self.dev, self.scale)
            self.blocks.append((torch.from_numpy(rows).to(self.dev), Jc, hc))
        _probe(self.blocks[0][1], self.blocks[0][2], dtype, self.dev)

    @property
    def num_colours(self) -> int:
        """Colour classes, i.e. products per sweep."""
        return len(self.classes)

    def anneal(
        self,
        ts: np.ndarray,
        amps: np.ndarray,
        M: np.ndarray,
        keys: np.ndarray,
        tol: float,
        between: Callable[[int], bool] | None = None,
        every_s: float = math.inf,
        until: float = math.inf,
    ) -> int:
        """Sweeps at ``ts[s]`` with noise widths ``amps[s]`` of the replicas ``M`` (R, n),
        in place (the signature of ``amfa_csr`` without the couplings; ``keys[0]`` seeds the
        round's noise); returns the sweeps completed.

        ``between(sweeps_completed)``, where given, is called between two colour classes once
        ``every_s`` seconds have passed since the round's start or the last call, and at every
        class from ``time.perf_counter() >= until`` on (a deadline); the device is synchronised
        first, and it is never called after the round's last class. ``mfa-async`` checks its
        clock, Ctrl-C and the progress events there. It returns True to end the round at that
        point, mid-sweep if so (``M`` then holds the classes updated so far). The calls touch
        neither the states nor the noise stream, so a round they do not end is the same, bit
        for bit, as one without them.
        """
        self.gen.manual_seed(int(keys[0]))
        # transposed on the device: a host-side transpose of (R, n) costs more than the sweeps
        X = torch.from_numpy(M).to(self.dev, self.dtype).T.contiguous()
        done = self._sweeps(X, ts, amps, tol, between, every_s, until)
        M[:] = X.T.contiguous().cpu().to(torch.float64).numpy()  # on the host: MPS has no float64
        return done

    def _sweeps(
        self,
        X: torch.Tensor,
        ts: np.ndarray,
        amps: np.ndarray,
        tol: float,
        between: Callable[[int], bool] | None = None,
        every_s: float = math.inf,
        until: float = math.inf,
    ) -> int:
        """The sweeps of :meth:`anneal` on the device's (n, R) states ``X``, in place."""
        steps, last = len(ts), len(self.blocks) - 1
        # the clock is read after every class (a dense model's sweep is n classes, seconds at
        # n = 10^4); without a sync, so a GPU's queue stays full: the host runs ahead of the
        # device by at most its launch queue, which the sync before ``between`` drains
        mark = time.perf_counter()
        for s, (t_s, amp_s) in enumerate(zip(ts.tolist(), amps.tolist(), strict=True)):
            t = min(t_s * self.scale, self.t_cap)
            amp = amp_s / self.scale
            for c, (idx, Jc, hc) in enumerate(self.blocks):
                xi = torch.addmm(hc, Jc, X)  # xi / scale
                if amp > 0.0:
                    u = torch.rand(xi.shape, generator=self.gen, dtype=self.dtype, device=self.dev)
                    xi.add_(u.sub_(0.5).mul_(amp))
                z = xi.mul_(t)
                new = torch.sigmoid(z).masked_fill_(z > 12.0, 1.0).masked_fill_(z < -12.0, 0.0)
                old = X.index_select(0, idx)
                new = torch.where((new - old).abs_() > tol, new, old)
                X.index_copy_(0, idx, new)
                if between is not None:
                    now, completed = time.perf_counter(), s + (c == last)
                    if (now - mark >= every_s or now >= until) and completed < steps:
                        _sync(self.dev)
                        if between(completed):
                            return completed
                        mark = time.perf_counter()
        return steps

    def residuals(self, M: np.ndarray, t: float) -> np.ndarray | None:
        """As :meth:`MeanFieldSweeps.residuals`, one colour class's rows at a time."""
        if self.dev.type == "cpu":
            return None
        X = torch.from_numpy(M).to(self.dev, self.dtype).T.contiguous()
        tt = min(t * self.scale, self.t_cap)
        # in the device's dtype: MPS has no float64 (the host's copy is float64)
        worst = torch.zeros(X.shape[1], dtype=self.dtype, device=self.dev)
        for idx, Jc, hc in self.blocks:
            Z = torch.addmm(hc, Jc, X).mul_(tt).sigmoid_().sub_(X.index_select(0, idx))
            worst = torch.maximum(worst, Z.abs_().amax(dim=0))
        return worst.cpu().to(torch.float64).numpy()

    def sweep_seconds(
        self, num_reads: int, t: float, amp: float, budget_s: float = math.inf
    ) -> float:
        """Seconds of one sweep of ``num_reads`` replicas at ``t`` with noise ``amp``, on
        scratch states: the mean of three timed sweeps after an untimed one (the device's
        kernels load), or of those run when all have taken ``budget_s`` (the first one's
        time where it took that alone). How ``mfa-async`` sizes its first round under a
        ``time_limit``, where a coloured sweep costs a product per colour class, which the
        numba kernels' cost model does not see."""
        X = torch.full((self.n, num_reads), 0.5, dtype=self.dtype, device=self.dev)

        def timed() -> float:
            _sync(self.dev)
            t0 = time.perf_counter()
            self._sweeps(X, np.array([t]), np.array([amp]), 0.0)
            _sync(self.dev)
            return time.perf_counter() - t0

        # one sweep was the whole estimate: a cold first launch, and on a busy CPU (see the
        # class) one draw from times that spread over orders of magnitude; a mean, as the
        # rounds' rate in mfa-async
        spent = first = timed()
        times: list[float] = []
        while len(times) < 3 and spent < budget_s:
            times.append(timed())
            spent += times[-1]
        return float(np.mean(times)) if times else first
