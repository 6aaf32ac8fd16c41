"""The model: the paper's spin glass on 0/1 variables, its energy and its conversions.

This is the one place where the Hamiltonian is stated; every other module links here.

Variables are ``n_i in {0, 1}`` (i = 0..n-1) and the couplings ``eps`` are an upper-triangular
matrix, diagonal included (the paper, eq. 3)::

    H(n) = - sum_{i <= j} eps_ij n_i n_j  +  offset          ground state = argmin H

``energy`` means ``H`` everywhere in isingeq: lower is better, and it is the number a dimod
``BINARY`` BQM with ``Q = -eps`` (plus ``offset``) gives. The paper has ``offset = 0``; it exists so
that conversions from spin form and from other problems keep energies equal. The paper's "energy
ratio" is ``H_found / H_exact``.

Since ``n_i**2 = n_i`` the diagonal ``eps_ii`` is a bias. With the symmetric, zero-diagonal
coupling ``J = eps_offdiag + eps_offdiag.T`` and the bias ``h = diag(eps)``, the paper's local field
(eq. 16) and the energy are::

    xi_i(n) = eps_ii + sum_{j != i} eps_ij n_j  =  (h + J n)_i
    H(n)    = -(h . n + n.J.n / 2) + offset

and flipping ``n_i`` from 0 to 1 changes H by ``-xi_i(n)``. The same model in spins
``s = 2n - 1`` is::

    H = sum_i h^s_i s_i + sum_{i<j} J^s_ij s_i s_j + offset^s
    h^s = -(h/2 + J.1/4),   J^s_ij = -J_ij / 4,   offset^s = offset - sum(h)/2 - sum_{i<j} J_ij/4

(dimod's ``SPIN`` convention); see :meth:`~isingeq.SpinGlass.to_spin` and
:meth:`~isingeq.SpinGlass.from_spin`.

Max-cut. A graph with edge weights ``w`` has ``cut(x) = sum_edges w_ij (x_i + x_j - 2 x_i x_j)``.
:meth:`~isingeq.SpinGlass.from_maxcut` builds the model with ``H(x) = -cut(x)`` exactly
(``eps_ii`` = weighted degree, ``eps_ij = -2 w_ij``), so the ground state is a maximum cut.
:meth:`~isingeq.SpinGlass.to_maxcut` goes the other way for any model, with one extra vertex
``n`` fixed on side 1: ``H(x) = constant - 2 cut([x, 1])``.

The module is one cohesive thing, the model and its conversions next to it, each tested by
energy equality; that is why it is longer than most.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, TypeAlias

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from ._optional import require

__all__ = ["SpinGlass"]

FloatArray: TypeAlias = NDArray[np.float64]
#: Couplings are dense float64 arrays or scipy CSR arrays.
Matrix: TypeAlias = Any


def _real_array(name: str, x: Any, what: str) -> NDArray[Any]:
    """``np.asarray(x)``, or a TypeError naming ``name`` when it is not real numbers (or bools):
    strings and objects have no 0/1 value, and a complex value would be cast with a
    ComplexWarning, dropping its imaginary part unseen. ``what`` says what was expected."""
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"`{name}` must be a rectangular array; got a ragged sequence") from exc
    if (
        arr.dtype == object
        or np.iscomplexobj(arr)
        or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_)
    ):
        raise TypeError(f"`{name}` must hold {what}; got dtype {arr.dtype}")
    return arr


def _finite(value: numbers.Real) -> bool:
    """Whether a real number is finite; an int beyond float's range is not (``float`` would
    raise OverflowError)."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _as_offset(offset: Any) -> float:
    """``offset`` as a float: TypeError for a bad type (a string, a bool, None), ValueError for
    NaN, infinity or an int beyond float's range."""
    if not isinstance(offset, numbers.Real) or isinstance(offset, bool):  # a bad type
        raise TypeError(f"`offset` must be a finite real number; got {offset!r}")
    if not _finite(offset):
        raise ValueError(f"`offset` must be a finite real number; got {offset!r}")
    return float(offset)


def _as_real_matrix(name: str, a: Any) -> Matrix:
    """Validate a square, real, finite matrix; return float64 dense or CSR.

    Raises TypeError/ValueError naming ``name`` and echoing what was received.
    """
    if sp.issparse(a):
        if a.ndim != 2:
            raise ValueError(
                f"`{name}` must be a 2-D matrix; got a sparse array of shape {a.shape}"
            )
        # the dtype, not ``a.data``: a DOK matrix (built entry by entry) has no ``data``
        if np.issubdtype(a.dtype, np.complexfloating):
            raise TypeError(f"`{name}` must be real; got complex dtype {a.dtype}")
        if not (np.issubdtype(a.dtype, np.number) or a.dtype == np.bool_):
            raise TypeError(f"`{name}` must be numeric; got dtype {a.dtype}")
        # copy: the model owns its data (a CSR float64 input would otherwise be shared, and
        # the caller's later edits would change eps but not h and J, nor the energies)
        m = sp.csr_array(a, dtype=np.float64, copy=True)
        m.sum_duplicates()
        data = m.data
    else:
        if isinstance(a, np.ndarray):
            arr = a
        else:
            try:
                arr = np.asarray(a)
            except ValueError as exc:  # ragged nested lists
                raise ValueError(
                    f"`{name}` must be a square matrix; got a ragged sequence ({exc})"
                ) from exc
        if arr.dtype == object:
            raise (ValueError if arr.ndim != 2 else TypeError)(
                f"`{name}` must be a square matrix of real numbers; got an array of Python objects "
                f"with shape {arr.shape} (ragged rows or non-numeric entries)"
            )
        if np.iscomplexobj(arr):
            raise TypeError(f"`{name}` must be real; got complex dtype {arr.dtype}")
        if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
            raise TypeError(f"`{name}` must be numeric; got dtype {arr.dtype}")
        if arr.ndim != 2:
            raise ValueError(
                f"`{name}` must be a square matrix; got an array with shape {arr.shape}"
            )
        m = np.array(arr, dtype=np.float64)  # copy: the model owns its data
        data = m
    if m.shape[0] != m.shape[1]:
        raise ValueError(f"`{name}` must be a square matrix; got shape {m.shape}")
    if m.shape[0] == 0:
        raise ValueError(f"`{name}` must have at least one variable; got shape {m.shape}")
    bad = ~np.isfinite(data)
    if bad.any():
        if sp.issparse(m):
            coo = sp.coo_array(m)
            k = int(np.flatnonzero(~np.isfinite(coo.data))[0])
            where = (int(coo.row[k]), int(coo.col[k]))
            value = coo.data[k]
        else:
            r, c = (int(v) for v in np.argwhere(bad)[0])
            where, value = (r, c), m[r, c]
        raise ValueError(f"`{name}` must be finite; got {value} at index {where}")
    return m


class SpinGlass:
    """The paper's spin glass ``H(n) = -sum_{i<=j} eps_ij n_i n_j + offset`` on ``n in {0,1}^n``.

    The conventions are stated once, in the :mod:`isingeq.model` module docstring.

    Parameters
    ----------
    eps : array_like or scipy.sparse matrix, shape (n, n)
        Upper-triangular couplings, diagonal included (the diagonal is the bias ``eps_ii``).
        Entries below the diagonal must be zero; build from a symmetric matrix with
        :meth:`from_symmetric`. Dense input stays dense, sparse input stays sparse (CSR).
    offset : float, default 0.0
        A constant added to every energy (0 in the paper).

    Notes
    -----
    ``eps`` is copied in, and ``h`` and ``J`` are derived from it once: a model is a value.
    Its arrays are left writeable (numba compiles separate kernels for read-only arrays),
    but writing into ``m.eps``, ``m.J`` or ``m.h`` leaves the other two stale; build a new
    model instead (``SpinGlass(new_eps)``).

    Raises
    ------
    ValueError
        If ``eps`` is not square, is empty, has non-finite entries or entries below the diagonal,
        or ``offset`` is not finite (an int beyond float's range included).
    TypeError
        If ``eps`` is not a real numeric matrix, or ``offset`` not a real number (a string, a
        bool, None).

    Examples
    --------
    >>> import numpy as np
    >>> m = SpinGlass([[0.5, -1.0], [0.0, 0.25]])
    >>> m.energy([1, 1])          # -(0.5 + 0.25 - 1.0)
    0.25
    >>> m.local_field([0, 1])     # xi_0 = eps_00 + eps_01 n_1
    array([-0.5 ,  0.25])
    """

    __slots__ = ("_J", "_eps", "_h", "offset")
    _eps: Matrix
    _J: Matrix
    _h: FloatArray
    offset: float

    def __init__(self, eps: ArrayLike | sp.sparray | sp.spmatrix, offset: float = 0.0) -> None:
        m = _as_real_matrix("eps", eps)
        lower = sp.tril(m, k=-1, format="coo") if sp.issparse(m) else None
        if lower is not None:
            nz = np.flatnonzero(lower.data)
            if nz.size:
                k = int(nz[0])
                where, value = (int(lower.row[k]), int(lower.col[k])), lower.data[k]
                self._lower_error(where, value, nz.size)
        else:
            dense = np.asarray(m)
            low = np.tril(dense, k=-1)
            if np.any(low):
                idx = np.argwhere(low)
                where = (int(idx[0][0]), int(idx[0][1]))
                self._lower_error(where, dense[where], len(idx))
        self._eps = m
        self.offset = _as_offset(offset)
        _check_energy_range("`eps`", m, self.offset)
        if sp.issparse(m):
            h = m.diagonal().astype(np.float64)
            upper = sp.triu(m, k=1, format="csr")
            J = sp.csr_array(upper + upper.T)
            J.eliminate_zeros()
            J.sort_indices()
        else:
            dm = np.asarray(m)
            h = np.diag(dm).copy()
            upper = np.triu(dm, k=1)
            J = upper + upper.T
        self._h = h
        self._J = J

    @staticmethod
    def _lower_error(where: tuple[int, int], value: float, count: int) -> None:
        raise ValueError(
            f"`eps` must be upper-triangular (i <= j, diagonal = bias); got {count} nonzero "
            f"entr{'y' if count == 1 else 'ies'} below the diagonal, e.g. {value} at index {where}. "
            "For a symmetric coupling matrix use SpinGlass.from_symmetric(J, h)."
        )

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_symmetric(
        cls,
        J: ArrayLike | sp.sparray | sp.spmatrix,
        h: ArrayLike | None = None,
        offset: float = 0.0,
    ) -> SpinGlass:
        """Build from a symmetric zero-diagonal coupling ``J`` and a bias ``h``.

        The result has ``xi = h + J n`` and ``H(n) = -(h . n + n.J.n / 2) + offset``, i.e.
        ``eps_ij = J_ij`` for ``i < j`` and ``eps_ii = h_i``. These are the perceptron's weights
        and bias.

        Parameters
        ----------
        J : array_like or sparse, shape (n, n)
            Symmetric, zero diagonal.
        h : array_like, shape (n,), optional
            The bias; zeros if omitted.
        offset : float, default 0.0

        Raises
        ------
        ValueError
            If ``J`` is not symmetric, has a nonzero diagonal, or ``h`` has the wrong length.

        Examples
        --------
        >>> m = SpinGlass.from_symmetric([[0, 2.0], [2.0, 0]], h=[-1.0, 0.5])
        >>> m.eps
        array([[-1. ,  2. ],
               [ 0. ,  0.5]])
        """
        Jm = _as_real_matrix("J", J)
        n = Jm.shape[0]
        diff = Jm - Jm.T
        asym = abs(diff).max() if sp.issparse(diff) else np.abs(diff).max()
        # relative to the couplings, with no absolute floor: J = 1e-13 [[0, 1], [-1, 0]] is
        # antisymmetric whatever its size (an all-zero J is symmetric: 0 > 0 is false)
        scale = abs(Jm).max()
        if asym > 1e-12 * scale:
            raise ValueError(f"`J` must be symmetric; got max |J - J.T| = {asym:.3g}")
        diag = Jm.diagonal()
        if np.any(diag != 0):
            i = int(np.flatnonzero(diag)[0])
            raise ValueError(
                f"`J` must have a zero diagonal (put biases in `h`); got J[{i},{i}] = {diag[i]}"
            )
        hv = np.zeros(n) if h is None else _as_vector("h", h, n)
        if sp.issparse(Jm):
            eps = sp.triu(Jm, k=1, format="csr") + sp.diags_array(hv, format="csr")
        else:
            eps = np.triu(np.asarray(Jm), k=1) + np.diag(hv)
        return cls(eps, offset=offset)

    @classmethod
    def from_qubo(cls, Q: Any, offset: float = 0.0, *, n: int | None = None) -> SpinGlass:
        """Build from a QUBO ``min x.Q.x + offset`` over ``x in {0,1}^n``, as dimod reads one.

        ``Q`` is a square matrix (dense or sparse; any triangle, or both: ``Q_ij`` and
        ``Q_ji`` both count, as in ``x.Q.x``) or a dict ``{(i, j): bias}`` of integer
        variables ``0 .. n-1`` (``(i, i)`` the linear terms; a pair given both ways is summed,
        as :meth:`dimod.BinaryQuadraticModel.from_qubo` does). The energy is that QUBO's:
        ``H(x) = x.Q.x + offset``, i.e. ``eps_ii = -Q_ii`` and ``eps_ij = -(Q_ij + Q_ji)``
        (the model's sign convention: :mod:`isingeq.model`).

        Parameters
        ----------
        Q : array_like, sparse matrix or dict
            A sparse DOK matrix (a dict subclass) is read as a matrix: its shape is ``n``.
        offset : float, default 0.0
        n : int, optional
            Variables of a dict ``Q`` (default the largest index + 1: trailing variables with
            no term need it); not used with a matrix.

        Raises
        ------
        TypeError
            If ``Q`` is neither a matrix nor a dict, or a dict's keys are not pairs of
            integers (labelled QUBOs: ``SpinGlass.from_bqm(dimod.BQM.from_qubo(Q))``).
        ValueError
            If the matrix is not square, a bias is not finite, an index is negative or
            reaches ``n``, or ``n`` is given with a matrix.

        Examples
        --------
        >>> m = SpinGlass.from_qubo({(0, 0): -1.0, (0, 1): 2.0, (1, 1): -1.0})
        >>> [m.energy(x) for x in ([0, 0], [1, 0], [0, 1], [1, 1])]
        [0.0, -1.0, -1.0, 0.0]
        >>> bool(SpinGlass.from_qubo([[-1.0, 1.0], [1.0, -1.0]]) == m)
        True
        """
        # a DOK matrix is a dict of (i, j) too, but it has a shape: read it as a matrix
        if isinstance(Q, dict) and not sp.issparse(Q):
            return cls._from_qubo_dict(Q, offset, n)
        if n is not None:
            raise ValueError(f"`n` applies to a dict `Q` only (a matrix has its size); got n={n!r}")
        Qm = _as_real_matrix("Q", Q)
        if sp.issparse(Qm):
            eps = -(sp.triu(Qm, k=1) + sp.triu(Qm.T, k=1) + sp.diags_array(Qm.diagonal()))
            return cls(sp.csr_array(eps), offset=offset)
        Qd = np.asarray(Qm)
        return cls(-(np.triu(Qd, k=1) + np.triu(Qd.T, k=1) + np.diag(np.diag(Qd))), offset=offset)

    @classmethod
    def _from_qubo_dict(cls, Q: dict[Any, Any], offset: float, n: int | None) -> SpinGlass:
        rows, cols, vals = [], [], []
        for key, value in Q.items():
            if not (
                isinstance(key, tuple)
                and len(key) == 2
                and all(isinstance(k, numbers.Integral) and not isinstance(k, bool) for k in key)
            ):
                raise TypeError(
                    f"`Q`'s keys must be pairs of integer variables (i, j); got {key!r} (for "
                    "labelled variables use SpinGlass.from_bqm(dimod.BQM.from_qubo(Q)))"
                )
            if not isinstance(value, numbers.Real) or not _finite(value):
                raise ValueError(f"`Q[{key!r}]` must be a finite real number; got {value!r}")
            i, j = sorted(int(k) for k in key)
            if i < 0:
                raise ValueError(f"`Q`'s variables must be >= 0; got {key!r}")
            rows.append(i)
            cols.append(j)
            vals.append(-float(value))
        top = max(cols, default=-1) + 1
        if n is None and top == 0:
            raise ValueError(
                "`Q` is empty: no variable to build a model of (give `n` for n variables with "
                "no terms)"
            )
        if n is None:
            n = top
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < max(top, 1):
            raise ValueError(
                f"`n` must be an integer >= {max(top, 1)} (the largest index + 1); got {n!r}"
            )
        # (i, j) and (j, i): one coupling, summed as dimod does
        eps = sp.coo_array((vals, (rows, cols)), shape=(int(n), int(n))).tocsr()
        eps.sum_duplicates()
        eps.eliminate_zeros()  # a pair given as +q and -q is no coupling
        pairs = eps.nnz - int(np.count_nonzero(eps.diagonal()))  # stored couplings off the diagonal
        if pairs >= _BQM_DENSE_FRACTION * n * (n - 1) / 2:  # dense or CSR as from_bqm decides
            return cls(eps.toarray(), offset=offset)
        return cls(eps, offset=offset)

    @classmethod
    def from_spin(
        cls,
        h: ArrayLike,
        J: ArrayLike | sp.sparray | sp.spmatrix,
        offset: float = 0.0,
    ) -> SpinGlass:
        """Build from spin form ``E(s) = h.s + sum_{i<j} J_ij s_i s_j + offset``, ``s = 2n - 1``.

        ``J`` is read as a quadratic form, as dimod reads it: the coupling of a pair ``i < j``
        is ``J[i, j] + J[j, i]``, so an upper-triangular ``J`` gives ``E`` above, and a
        symmetric one counts each coupling twice (the quadratic part is ``s @ J @ s``).
        For a physicist's ``E = -h.s - sum_{i<j} J_ij s_i s_j`` with a symmetric ``J``, pass
        ``from_spin(-h, -np.triu(J, 1))``. The diagonal must be zero. Energies are equal:
        ``model.energy(n) == E(2n - 1)``.

        Parameters
        ----------
        h : array_like, shape (n,)
            The spin biases.
        J : array_like or sparse, shape (n, n)
            The couplings, upper-triangular (or a quadratic form: see above), zero diagonal.
        offset : float, default 0.0

        Raises
        ------
        ValueError
            If ``J`` is not square or has a nonzero diagonal, ``h`` has the wrong length, or a
            value (``offset`` included) is not finite.
        TypeError
            If ``J``, ``h`` or ``offset`` is not real numbers (a string offset is refused, as
            in :class:`SpinGlass`).

        Examples
        --------
        >>> m = SpinGlass.from_spin(h=[0.0, 0.0], J=[[0, -1.0], [0, 0]])   # ferromagnet
        >>> m.energy([0, 0]), m.energy([1, 1]), m.energy([0, 1])
        (-1.0, -1.0, 1.0)
        """
        Jm = _as_real_matrix("J", J)
        n = Jm.shape[0]
        if np.any(Jm.diagonal() != 0):
            i = int(np.flatnonzero(Jm.diagonal())[0])
            raise ValueError(
                f"`J` must have a zero diagonal in spin form; got J[{i},{i}] = {Jm.diagonal()[i]}"
            )
        hs = _as_vector("h", h, n)
        if sp.issparse(Jm):
            Ju = sp.triu(Jm, k=1) + sp.tril(Jm, k=-1).T  # pair (i<j) once
            Jsym = sp.csr_array(Ju + Ju.T)
            row_sums = np.asarray(Jsym.sum(axis=1)).ravel()
            pair_sum = float(Ju.sum())
        else:
            dm = np.asarray(Jm)
            Ju = np.triu(dm, k=1) + np.tril(dm, k=-1).T
            Jsym = Ju + Ju.T
            row_sums = Jsym.sum(axis=1)
            pair_sum = float(Ju.sum())
        # s = 2n - 1:  s_i s_j = 4 n_i n_j - 2 n_i - 2 n_j + 1,  s_i = 2 n_i - 1
        bias = -(2.0 * hs - 2.0 * row_sums)  # eps_ii = -(coefficient of n_i)
        new_offset = _as_offset(offset) - float(hs.sum()) + pair_sum
        if sp.issparse(Jm):
            eps = sp.csr_array(-4.0 * sp.csr_array(Ju)) + sp.diags_array(bias, format="csr")
        else:
            eps = -4.0 * Ju + np.diag(bias)
        return cls(eps, offset=new_offset)

    @classmethod
    def from_maxcut(cls, n: int, edges: ArrayLike, weights: ArrayLike | None = None) -> SpinGlass:
        """The model whose energy is minus the cut: ``H(x) = -cut(x)``, stored sparse.

        Parameters
        ----------
        n : int
            Number of vertices (0-based labels ``0..n-1``).
        edges : array_like of int, shape (m, 2)
            Undirected edges ``(i, j)``, ``i != j``; repeated pairs add up.
        weights : array_like, shape (m,), optional
            Edge weights (1 if omitted).

        Raises
        ------
        ValueError
            On a self-loop, a vertex outside ``0..n-1``, or mismatched lengths.

        Examples
        --------
        >>> m = SpinGlass.from_maxcut(3, [(0, 1), (1, 2)], [1.0, 2.0])
        >>> -m.energy([1, 0, 1])          # both edges cut
        3.0
        """
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"`n` must be a positive integer; got {n!r}")
        e = np.asarray(edges)
        if e.size == 0:  # no edges is a graph too; np.asarray([]) is float64
            e = np.zeros((0, 2), dtype=np.int64)
        if e.ndim != 2 or e.shape[1] != 2 or not np.issubdtype(e.dtype, np.integer):
            raise ValueError(
                f"`edges` must be an integer array of shape (m, 2); got shape {e.shape} ({e.dtype})"
            )
        w = np.ones(len(e)) if weights is None else _as_vector("weights", weights, len(e))
        if len(e) and (e.min() < 0 or e.max() >= n):
            k = int(np.flatnonzero((e < 0).any(axis=1) | (e >= n).any(axis=1))[0])
            raise ValueError(
                f"`edges` row {k} = {tuple(e[k].tolist())} has a vertex outside 0..{n - 1}"
            )
        loops = e[:, 0] == e[:, 1]
        if loops.any():
            k = int(np.flatnonzero(loops)[0])
            raise ValueError(f"`edges` row {k} = {tuple(e[k].tolist())} is a self-loop")
        i, j = np.minimum(e[:, 0], e[:, 1]), np.maximum(e[:, 0], e[:, 1])
        k = _maxcut_overflow(w)
        if k is not None:
            raise ValueError(
                f"`weights` are too large for float64: the max-cut model's coefficients (-2 w "
                f"per edge, the weighted degrees on the diagonal) sum in magnitude past "
                f"{np.finfo(np.float64).max:.3g}, so energies would overflow (largest: edge row "
                f"{k} = {tuple(e[k].tolist())}, weight {w[k]:g}); scale the weights down (the "
                "maximum cut does not change)"
            )
        deg = np.bincount(i, w, minlength=n) + np.bincount(j, w, minlength=n)
        rows = np.concatenate([i, np.arange(n)])
        cols = np.concatenate([j, np.arange(n)])
        vals = np.concatenate([-2.0 * w, deg])
        eps = sp.csr_array(sp.coo_array((vals, (rows, cols)), shape=(n, n)))
        eps.sum_duplicates()
        eps.eliminate_zeros()
        return cls(eps)

    def to_maxcut(self) -> tuple[NDArray[np.int64], FloatArray, float]:
        """A max-cut graph on ``n + 1`` vertices with ``H(x) = constant - 2 cut([x, 1])``.

        Vertex ``n`` is a reference fixed on side 1 (a cut and its complement are equal, so any
        cut can be read with vertex ``n`` on side 1). Minimising ``H`` is maximising the cut.

        Returns
        -------
        edges : ndarray of int64, shape (m, 2)
        weights : ndarray, shape (m,)
        constant : float

        Examples
        --------
        >>> m = SpinGlass([[1.0, -2.0], [0.0, 0.5]])
        >>> edges, w, c = m.to_maxcut()
        >>> x = [1, 0]
        >>> side = x + [1]
        >>> cut = sum(wk for (a, b), wk in zip(edges, w) if side[a] != side[b])
        >>> bool(abs(m.energy(x) - (c - 2 * cut)) < 1e-12)
        True
        """
        hs, Js, off = self.to_spin()
        J = sp.coo_array(Js)
        keep = J.data != 0
        lin = np.flatnonzero(hs)
        edges = np.concatenate(
            [
                np.stack([J.row[keep], J.col[keep]], axis=1),
                np.stack([lin, np.full(len(lin), self.n)], axis=1),
            ]
        ).astype(np.int64)
        w = np.concatenate([J.data[keep], hs[lin]]).astype(np.float64)
        # E = sum_e w_e s_a s_b + off, and sum_e w_e s_a s_b = W - 2 cut
        return edges, w, float(w.sum() + off)

    @classmethod
    def from_networkx(cls, G: Any, attr: Any = "eps", *, nodelist: Any = None) -> SpinGlass:
        """The model a networkx graph draws: ``eps_ii`` on the nodes, ``eps_ij`` on the edges.

        Variable ``i`` is ``nodelist[i]`` (default ``list(G)``); ``G.graph["offset"]`` is the
        offset. A graph to cut is a different thing: use
        :func:`isingeq.maxcut <isingeq.integrations.networkx.maxcut>` or
        :func:`isingeq.integrations.networkx.maxcut_model`. Defined, with its errors, in
        :func:`isingeq.integrations.networkx.from_networkx` (networkx is an optional extra).

        Examples
        --------
        >>> m = SpinGlass([[1.0, -2.0], [0.0, 0.5]], offset=0.25)
        >>> SpinGlass.from_networkx(m.to_networkx()) == m
        True
        """
        from .integrations.networkx import _from_networkx

        return _from_networkx(G, attr, nodelist)

    def to_networkx(self, attr: Any = "eps", *, nodelist: Any = None) -> Any:
        """This model as a ``networkx.Graph``, the inverse of :meth:`from_networkx`.

        Node ``nodelist[i]`` (default ``i``) carries ``eps_ii`` as ``attr``, each nonzero
        ``eps_ij`` is an edge with ``attr``, and ``G.graph["offset"]`` is the offset. See
        :func:`isingeq.integrations.networkx.to_networkx`; for the max-cut graph of a model
        use :meth:`to_maxcut`.
        """
        from .integrations.networkx import to_networkx

        return to_networkx(self, attr, nodelist=nodelist)

    # ------------------------------------------------------------------ views
    @property
    def n(self) -> int:
        """Number of variables."""
        return int(self._eps.shape[0])

    @property
    def eps(self) -> Matrix:
        """The upper-triangular couplings as given (dense ndarray or CSR), float64."""
        return self._eps

    @property
    def h(self) -> FloatArray:
        """The bias ``diag(eps)``, shape (n,)."""
        return self._h

    @property
    def J(self) -> Matrix:
        """The symmetric zero-diagonal coupling ``eps_offdiag + eps_offdiag.T`` (dense or CSR)."""
        return self._J

    @property
    def is_sparse(self) -> bool:
        """Whether the couplings are stored as a sparse matrix."""
        return sp.issparse(self._eps)

    @property
    def energy_scale(self) -> float:
        """``sum |eps_ij|``: an upper bound on ``|H - offset|``, used for relative tolerances."""
        data = self._eps.data if sp.issparse(self._eps) else self._eps
        return float(np.abs(data).sum())

    def dense_J(self) -> FloatArray:
        """``J`` as a dense ndarray (a copy when sparse)."""
        J = self._J
        return J.toarray() if sp.issparse(J) else np.asarray(J)

    def __repr__(self) -> str:
        kind = f"sparse, nnz={self._eps.nnz}" if self.is_sparse else "dense"
        off = f", offset={self.offset:g}" if self.offset else ""
        return f"SpinGlass(n={self.n}, {kind}{off})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SpinGlass):
            return NotImplemented
        if self.n != other.n or self.offset != other.offset:
            return False
        a = sp.csr_array(self._eps)
        b = sp.csr_array(other._eps)
        return bool((a != b).nnz == 0)

    __hash__ = None  # type: ignore[assignment]

    # ------------------------------------------------------------------ physics
    def check_states(self, x: ArrayLike, name: str = "x") -> NDArray[np.uint8]:
        """Validate 0/1 states of shape (n,) or (R, n); return them as uint8 (same shape).

        Raises
        ------
        ValueError
            On a wrong length or a value other than 0 and 1 (the message gives row and column).
        TypeError
            On strings, objects or complex numbers.
        """
        arr = _real_array(name, x, "0/1 numbers")
        if arr.ndim not in (1, 2) or arr.shape[-1] != self.n:
            raise ValueError(
                f"`{name}` must have shape ({self.n},) or (num_states, {self.n}) for this model; "
                f"got shape {arr.shape}"
            )
        if arr.dtype in (np.bool_, np.uint8):
            ok = arr <= 1
        else:
            ok = (arr == 0) | (arr == 1)
        if not ok.all():
            where = tuple(int(v) for v in np.argwhere(~ok)[0])
            raise ValueError(
                f"`{name}` must contain only 0 and 1; got {arr[where].item()!r} at index {where}"
            )
        return arr.astype(np.uint8, copy=False)

    def energy(self, x: ArrayLike) -> Any:
        """``H(x)`` of one 0/1 state (a float) or of each row of a batch (shape (R,)).

        Parameters
        ----------
        x : array_like, shape (n,) or (R, n)
            States with entries 0 or 1.

        Returns
        -------
        float or ndarray of shape (R,)

        Raises
        ------
        ValueError
            If ``x`` has the wrong length or entries other than 0/1.
        """
        states = self.check_states(x)
        e = self._energy_unchecked(np.atleast_2d(states).astype(np.float64))
        return float(e[0]) if states.ndim == 1 else e

    def _energy_unchecked(self, X: FloatArray) -> FloatArray:
        """Energies of the rows of ``X`` (R, n), any real values (no validation)."""
        JX = self._rows_product(X)
        if not self._by_kernel(X):
            quad = np.einsum("ij,ij->i", JX, X)
        else:
            # the kernel's fields come C-ordered: summed in the order einsum gives the dense
            # product's Fortran-ordered ones (bit for bit: dense and sparse models agree)
            from .solvers._kernels import rows_dot

            quad = np.empty(X.shape[0])
            rows_dot(JX, np.ascontiguousarray(X, dtype=np.float64), quad)
        return -(X @ self._h + 0.5 * quad) + self.offset

    def _by_kernel(self, X: FloatArray) -> bool:
        """Whether :meth:`_rows_product` runs ``X`` through the parallel CSR kernel: a sparse
        model's batch of two rows or more."""
        return sp.issparse(self._J) and X.ndim == 2 and X.shape[0] >= 2

    def _rows_product(self, X: FloatArray, h: FloatArray | None = None) -> FloatArray:
        """``h + J x`` for each row ``x`` of ``X`` (R, n) (``J x`` without ``h``), float64.

        A sparse batch runs in parallel over its rows (:func:`isingeq.solvers._kernels.
        csr_fields`, in scipy's summation order, so bit for bit ``(J @ X.T).T``): scipy's
        product transposes and copies the batch and runs on one thread, and an mfa solve of
        a big lattice computes energies three times (the round's, the best's, the result's;
        ``benchmarks/bench_time_limit.py``, README "big models").
        """
        if not self._by_kernel(X):
            JX = np.asarray((self._J @ X.T).T)
            return JX if h is None else np.asarray(h[None, :] + JX)
        from .solvers._kernels import csr_fields  # numba's kernels sit above the model

        J = self._J
        Xf = np.ascontiguousarray(X, dtype=np.float64)
        G = np.empty_like(Xf)
        hh = np.zeros(self.n) if h is None else np.ascontiguousarray(h, dtype=np.float64)
        csr_fields(J.indptr, J.indices, np.asarray(J.data, dtype=np.float64), hh, Xf, G)
        return G

    def local_field(self, x: ArrayLike) -> FloatArray:
        """The paper's ``xi = eps_ii + sum_{j != i} eps_ij x_j`` for a state or a batch.

        ``x`` may be 0/1 or continuous (the mean-field ``<n_j>``); only its shape and finiteness
        are checked. Returns shape (n,) or (R, n) as given.

        Raises
        ------
        ValueError
            If ``x`` has the wrong shape or non-finite entries.
        """
        arr = np.asarray(x)
        if arr.dtype == object or not (
            np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_
        ):
            raise TypeError(f"`x` must be numeric; got dtype {arr.dtype}")
        if np.iscomplexobj(arr):
            raise TypeError(f"`x` must be real; got complex dtype {arr.dtype}")
        if arr.ndim not in (1, 2) or arr.shape[-1] != self.n:
            raise ValueError(
                f"`x` must have shape ({self.n},) or (R, {self.n}); got shape {arr.shape}"
            )
        X = arr.astype(np.float64)
        if not np.isfinite(X).all():
            raise ValueError("`x` must be finite")
        if X.ndim == 1:
            return np.asarray(self._h + self._J @ X)
        return self._rows_product(X, self._h)

    # ------------------------------------------------------------------ conversions
    def to_spin(self) -> tuple[FloatArray, Matrix, float]:
        """Spin form ``(h_s, J_s, offset_s)`` with ``E(s) = h_s.s + sum_{i<j} J_s[i,j] s_i s_j + offset_s``.

        ``J_s`` is upper-triangular (dense or CSR like the model); ``E(2n - 1) == H(n)``.

        Examples
        --------
        >>> m = SpinGlass([[1.0, 2.0], [0.0, 0.0]])
        >>> hs, Js, off = m.to_spin()
        >>> float(hs @ [1, 1] + Js[0, 1] + off) == m.energy([1, 1])
        True
        """
        J = self._J
        row = np.asarray(J.sum(axis=1)).ravel()
        hs = -(self._h / 2.0 + row / 4.0)
        if sp.issparse(J):
            Js: Matrix = sp.csr_array(sp.triu(J, k=1) * -0.25)
        else:
            Js = np.triu(np.asarray(J), k=1) * -0.25
        pair_sum = float(row.sum()) / 2.0
        offset = self.offset - float(self._h.sum()) / 2.0 - pair_sum / 4.0
        return hs, Js, offset

    def to_bqm(self, labels: Any = None) -> Any:
        """A ``dimod.BinaryQuadraticModel`` (BINARY) with equal energies, built in O(nnz).

        Parameters
        ----------
        labels : sequence of hashable, length n, optional
            The BQM's variable labels, ``labels[i]`` for variable ``i`` (default ``0..n-1``).
            ``SpinGlass.from_bqm(bqm).to_bqm(labels=bqm.variables)`` gives back the labels of
            the BQM a model came from.

        Raises
        ------
        ImportError
            If dimod is not installed (``pip install "isingeq[dimod]"``).
        ValueError
            If ``labels`` does not have n distinct entries.

        Examples
        --------
        >>> m = SpinGlass([[1.0, -2.0], [0.0, 0.5]], offset=0.25)
        >>> bqm = m.to_bqm(labels=["a", ("b", 1)])
        >>> bool(bqm.energy({"a": 1, ("b", 1): 1}) == m.energy([1, 1]))
        True
        """
        dimod = require("dimod", "SpinGlass.to_bqm", "dimod")
        coo = sp.coo_array(self._eps)
        diag = coo.row == coo.col
        linear = np.bincount(coo.row[diag], -coo.data[diag], minlength=self.n)
        off = ~diag
        quadratic = (coo.row[off], coo.col[off], -coo.data[off])
        order = None
        if labels is not None:
            order = list(labels)
            if len(order) != self.n or len(set(order)) != self.n:
                raise ValueError(
                    f"`labels` must be {self.n} distinct variable labels, one per variable; got "
                    f"{len(order)} labels, {len(set(order))} distinct"
                )
        return dimod.BinaryQuadraticModel.from_numpy_vectors(
            linear, quadratic, self.offset, dimod.BINARY, variable_order=order
        )

    @classmethod
    def from_bqm(cls, bqm: Any) -> SpinGlass:
        """Build from a dimod BQM (BINARY or SPIN) with any hashable labels, in O(nnz).

        Variable ``i`` of the model is ``bqm.variables[i]``: the BQM's own order is the label
        map, so a 0/1 row ``x`` of the model is the sample ``dict(zip(bqm.variables, x))``
        (``dimod.SampleSet.from_samples((X, bqm.variables), ...)`` for a batch) and
        ``model.to_bqm(labels=bqm.variables)`` goes back. Energies are equal:
        ``model.energy(x) == bqm.energy(...)`` for BINARY, and for SPIN at ``s = 2x - 1``.

        The biases are read with dimod's own array export (``bqm.to_numpy_vectors``), never
        interaction by interaction, so time and memory grow with the number of interactions
        (``benchmarks/bench_bqm.py`` measures a 10^5-variable, 10^6-interaction BQM). The model
        is sparse (CSR) unless the BQM couples at least half of its ``n (n - 1) / 2`` pairs: a
        dense model holds two ``n x n`` float64 arrays (``eps`` and ``J``), a CSR one about 36
        bytes per interaction, so memory breaks even near 90 % density; but the dense kernels
        and BLAS read rows contiguously where CSR reads indirectly, which already pays at half
        density, and below it the dense arrays would mostly store zeros.

        Parameters
        ----------
        bqm : dimod.BinaryQuadraticModel
            Any vartype (SPIN is converted with ``s = 2n - 1``), any hashable labels.

        Returns
        -------
        SpinGlass
            With ``offset`` the BQM's offset (in BINARY form).

        Raises
        ------
        ImportError
            If dimod is not installed (``pip install "isingeq[dimod]"``).
        TypeError
            If ``bqm`` is not a dimod binary quadratic model.
        ValueError
            If the BQM is empty, or a bias or the offset is NaN or infinite (the message names
            the variable or the interaction).

        Examples
        --------
        >>> import dimod
        >>> bqm = dimod.BinaryQuadraticModel({"a": 1.0, ("b", 2): -1.0}, {("a", ("b", 2)): 0.5},
        ...                                  0.0, "BINARY")
        >>> m = SpinGlass.from_bqm(bqm)
        >>> list(bqm.variables), bool(m.energy([1, 1]) == bqm.energy({"a": 1, ("b", 2): 1}))
        (['a', ('b', 2)], True)
        """
        dimod = require("dimod", "SpinGlass.from_bqm", "dimod")
        if not isinstance(bqm, dimod.BinaryQuadraticModel):
            raise TypeError(f"`bqm` must be a dimod.BinaryQuadraticModel; got {type(bqm).__name__}")
        n = bqm.num_variables
        if n == 0:
            raise ValueError("`bqm` must have at least one variable; got an empty BQM")
        lin, (row, col, quad), offset = bqm.to_numpy_vectors(sort_labels=False)
        lin = np.asarray(lin, dtype=np.float64)
        quad = np.asarray(quad, dtype=np.float64)
        row = np.asarray(row, dtype=np.int64)
        col = np.asarray(col, dtype=np.int64)
        _check_bqm_finite(bqm, lin, row, col, quad, float(offset))
        offset = float(offset)
        if bqm.vartype is dimod.SPIN:
            # h s + J s_u s_v with s = 2n - 1:  J (4 n_u n_v - 2 n_u - 2 n_v + 1),  h (2 n - 1)
            with np.errstate(over="ignore", invalid="ignore"):  # refused just below
                touch = np.bincount(row, quad, minlength=n) + np.bincount(col, quad, minlength=n)
                offset += float(quad.sum() - lin.sum())
                lin = 2.0 * lin - 2.0 * touch
                quad = 4.0 * quad
        _check_bqm_range(bqm, (lin, (row, col, quad), offset))
        r, c = np.minimum(row, col), np.maximum(row, col)
        idx = np.arange(n)
        vals = -np.concatenate([lin, quad])
        rows, cols = np.concatenate([idx, r]), np.concatenate([idx, c])
        if len(quad) >= _BQM_DENSE_FRACTION * n * (n - 1) / 2:
            eps: Matrix = np.zeros((n, n))
            eps[rows, cols] = vals  # each pair once in a BQM, and never on the diagonal
        else:
            eps = sp.csr_array(sp.coo_array((vals, (rows, cols)), shape=(n, n)))
        return cls(eps, offset=offset)


#: Share of the ``n (n - 1) / 2`` pairs a BQM must couple for :meth:`SpinGlass.from_bqm` to
#: build a dense model (its docstring says why).
_BQM_DENSE_FRACTION = 0.5


def _maxcut_overflow(w: FloatArray) -> int | None:
    """The edge of largest weight when the max-cut model of weights ``w`` has coefficients whose
    magnitudes sum past float64's range (``-2 w`` per edge and the weighted degrees: ``4 sum
    |w|``), else None; the callers name that edge in their own terms."""
    with np.errstate(over="ignore"):
        total = 4.0 * float(np.abs(w).sum())
    return None if math.isfinite(total) else int(np.argmax(np.abs(w)))


def _check_energy_range(what: str, m: Any, offset: float) -> None:
    """Refuse coefficients whose magnitudes sum past float64's largest number: an energy, a
    sum of some of them, could then overflow to inf (or lose the order of the lowest states),
    as it did in exact enumeration at ``|eps| ~ 1e307``. Below that no energy overflows."""
    data = m.data if sp.issparse(m) else np.asarray(m)
    with np.errstate(over="ignore"):
        total = float(np.abs(data).sum()) + abs(offset)
    if not math.isfinite(total):
        raise ValueError(
            f"{what} is too large for float64: its coefficients (and the offset) sum in "
            f"magnitude past {np.finfo(np.float64).max:.3g} (largest |value| "
            f"{float(np.abs(data).max()):.3g}), so energies would overflow; scale the model "
            "down (its ground states do not change)"
        )


def _check_bqm_range(bqm: Any, vectors: tuple[Any, Any, float]) -> None:
    """Refuse a BQM whose 0/1 form (SPIN interactions times 4) overflows float64, naming its
    largest bias, before :class:`SpinGlass` refuses the model as ``eps``. ``vectors``: the 0/1
    form as ``(lin, (row, col, quad), offset)``, the layout of ``bqm.to_numpy_vectors``."""
    lin, (row, col, quad), offset = vectors
    with np.errstate(over="ignore"):
        total = float(np.abs(lin).sum() + np.abs(quad).sum()) + abs(offset)
    if math.isfinite(total):
        return
    k_lin = int(np.argmax(np.abs(lin))) if lin.size else -1
    k_quad = int(np.argmax(np.abs(quad))) if quad.size else -1
    if k_quad >= 0 and (k_lin < 0 or abs(quad[k_quad]) >= abs(lin[k_lin])):
        i, j = sorted((int(row[k_quad]), int(col[k_quad])))
        where = f"interaction ({bqm.variables[i]!r}, {bqm.variables[j]!r})"
    else:
        where = f"variable {bqm.variables[k_lin]!r}"
    spin = (
        " (a SPIN interaction counts 4 times its bias there)" if bqm.vartype.name == "SPIN" else ""
    )
    raise ValueError(
        f"`bqm` biases are too large for float64: in the 0/1 form isingeq solves{spin} they "
        f"sum in magnitude past {np.finfo(np.float64).max:.3g}, so energies would overflow "
        f"(largest at {where}); scale the BQM down, e.g. bqm.scale(1 / max |bias|) (its "
        "ground states do not change)"
    )


def _check_bqm_finite(
    bqm: Any,
    lin: FloatArray,
    row: NDArray[np.int64],
    col: NDArray[np.int64],
    quad: FloatArray,
    offset: float,
) -> None:
    """Refuse NaN / infinite biases, naming the variable or the interaction by its labels."""
    if not np.isfinite(offset):
        raise ValueError(f"`bqm` offset must be finite; got {offset}")
    bad = np.flatnonzero(~np.isfinite(lin))
    if bad.size:
        k = int(bad[0])
        raise ValueError(
            f"`bqm` linear bias of variable {bqm.variables[k]!r} must be finite; got {lin[k]} "
            f"({bad.size} non-finite linear bias{'es' if bad.size > 1 else ''})"
        )
    bad = np.flatnonzero(~np.isfinite(quad))
    if bad.size:
        k = int(bad[0])
        i, j = sorted((int(row[k]), int(col[k])))  # in the BQM's variable order
        u, v = bqm.variables[i], bqm.variables[j]
        raise ValueError(
            f"`bqm` quadratic bias of interaction ({u!r}, {v!r}) must be finite; got {quad[k]} "
            f"({bad.size} non-finite quadratic bias{'es' if bad.size > 1 else ''})"
        )


def _as_vector(name: str, v: ArrayLike, n: int) -> FloatArray:
    arr = np.asarray(v)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"`{name}` must be numeric; got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"`{name}` must be real; got complex dtype {arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"`{name}` must have shape ({n},); got shape {arr.shape}")
    out = arr.astype(np.float64)
    if not np.isfinite(out).all():
        raise ValueError(f"`{name}` must be finite; got {out[~np.isfinite(out)][0]}")
    return out
