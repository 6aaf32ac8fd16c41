"""isingeq's own lossless format, a NumPy ``.npz`` archive: :func:`~isingeq.io.save_npz`,
:func:`~isingeq.io.load_npz`.

One instance per archive, with the model's couplings exactly as stored (dense, or the three
arrays of a CSR matrix) and everything else of the :class:`~isingeq.instance.Instance`::

    format           "isingeq.instance"            what the archive is
    version          1                              this layout
    eps              dense (n, n) float64           or eps_data, eps_indices, eps_indptr, eps_shape
    offset           float64                        the model's constant
    metadata         JSON text                      name, sense, best_known, scale, shift, source,
                                                    the JSON-able part of meta
    meta.<key>       arrays                         the ndarray values of meta (e.g. a graph's edges)

Loading gives back an equal model (same storage, same numbers, same offset) and the same
metadata, so energies and objectives are bit for bit the same. Archives are read with
``allow_pickle=False``. ``write_npz``/``read_npz`` are the same functions under the names the
other formats use.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..instance import Instance
from ..model import SpinGlass
from ._common import FormatError, PathOrFile, as_model, default_name, open_binary, source_name

__all__ = ["load_npz", "read_npz", "save_npz", "write_npz"]

_FORMAT = "isingeq.instance"
_VERSION = 1
_META_ARRAY = "meta."


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def save_npz(instance: Instance | SpinGlass, path: PathOrFile) -> None:
    """Save an instance (or a bare model) losslessly as an ``.npz`` archive.

    Parameters
    ----------
    instance : Instance or SpinGlass
        A bare model is saved as an instance named after the file, sense ``"min"``.
    path : str, os.PathLike or binary file
        Where to write; the name is used as given (no ``.npz`` is appended). A name ending in
        ``.gz`` is gzip-compressed around the (already compressed) archive.

    Raises
    ------
    TypeError
        If ``instance`` is not an Instance or a SpinGlass, or a ``meta`` value is neither an
        ndarray nor JSON-serialisable (the message names the key).

    Examples
    --------
    >>> import io
    >>> from isingeq.instance import Instance
    >>> inst = Instance("e", SpinGlass([[1.0, -2.0], [0.0, 1.0]]), "max", best_known=1.0,
    ...                 scale=-1.0, meta={"note": "one edge", "edges": np.array([[0, 1]])})
    >>> buf = io.BytesIO()
    >>> save_npz(inst, buf)
    >>> _ = buf.seek(0)
    >>> back = load_npz(buf)
    >>> back.model == inst.model, back.best_known, back.meta["note"], back.meta["edges"].tolist()
    (True, 1.0, 'one edge', [[0, 1]])
    """
    model, inst = as_model(instance)
    if inst is None:
        inst = Instance(default_name(source_name(path), "instance"), model, "min")
    arrays: dict[str, Any] = {}
    plain: dict[str, Any] = {}
    for key, value in inst.meta.items():
        if not isinstance(key, str):
            raise TypeError(f"`meta` keys must be strings to be saved; got {key!r}")
        if isinstance(value, np.ndarray):
            if value.dtype == object:
                raise TypeError(f"`meta[{key!r}]` is an object array; it cannot be saved")
            arrays[_META_ARRAY + key] = value
        else:
            plain[key] = value
    metadata = {
        "name": inst.name,
        "sense": inst.sense,
        "best_known": inst.best_known,
        "scale": inst.scale,
        "shift": inst.shift,
        "source": inst.source,
        "meta": plain,
    }
    try:
        text = json.dumps(metadata, default=_json_default)
    except (TypeError, ValueError) as exc:
        bad = next((k for k, v in plain.items() if not _json_ok(v)), None)
        where = f"`meta[{bad!r}]`" if bad is not None else "the metadata"
        raise TypeError(f"{where} cannot be saved: {exc} (use JSON values or ndarrays)") from None
    eps = model.eps
    if sp.issparse(eps):
        csr = sp.csr_array(eps)
        arrays.update(
            eps_data=csr.data,
            eps_indices=csr.indices,
            eps_indptr=csr.indptr,
            eps_shape=np.array(csr.shape, dtype=np.int64),
        )
    else:
        arrays["eps"] = np.asarray(eps)
    arrays.update(
        format=np.array(_FORMAT),
        version=np.array(_VERSION),
        offset=np.array(model.offset, dtype=np.float64),
        metadata=np.array(text),
    )
    buf = io.BytesIO()  # zipfile seeks back while writing; a gzip stream cannot
    np.savez_compressed(buf, **arrays)
    with open_binary(path, "w") as fh:
        fh.write(buf.getbuffer())


def _json_ok(value: Any) -> bool:
    try:
        json.dumps(value, default=_json_default)
    except (TypeError, ValueError):
        return False
    return True


def load_npz(path: PathOrFile, name: str | None = None) -> Instance:
    """Load an instance saved by :func:`~isingeq.io.save_npz`.

    Parameters
    ----------
    path : str, os.PathLike or binary file
        The archive (gzip-compressed when the name ends in ``.gz``).
    name : str, optional
        A name for the instance instead of the saved one (as every reader takes).

    Returns
    -------
    Instance
        Equal to the saved one: the same model (dense or sparse), offset, metadata and meta.

    Raises
    ------
    FormatError
        If the file is not an archive written by :func:`~isingeq.io.save_npz`, lacks a member, has
        another version, or holds invalid couplings or metadata; the message names the file and what
        was expected.
    """
    source = source_name(path)
    expected = "expected an isingeq .npz archive (written by save_npz)"
    try:
        with open_binary(path, "r") as fh:
            z = np.load(fh, allow_pickle=False)
            if not isinstance(z, np.lib.npyio.NpzFile):
                raise FormatError(source, None, f"{expected}, got a single .npy array")
            with z:
                members = {k: z[k] for k in z.files}
    except (
        zipfile.BadZipFile,
        ValueError,
        OSError,
        EOFError,
        zlib.error,  # a member whose deflate stream is corrupt
        NotImplementedError,  # a damaged header that claims a zip version or method
        KeyError,  # a member listed in the directory but not found
        UnicodeDecodeError,  # a damaged member name
    ) as exc:
        if isinstance(exc, FormatError | FileNotFoundError | PermissionError | IsADirectoryError):
            raise
        raise FormatError(source, None, f"{expected}; {type(exc).__name__}: {exc}") from None

    def need(key: str) -> np.ndarray:
        if key not in members:
            raise FormatError(
                source, None, f"expected the member {key!r} in the archive, got {sorted(members)}"
            )
        return members[key]

    fmt = need("format")
    if fmt.shape != () or str(fmt) != _FORMAT:
        raise FormatError(source, None, f"expected format {_FORMAT!r}, got {fmt!r}")
    version = need("version")
    if version.shape != () or int(version) != _VERSION:
        raise FormatError(source, None, f"expected version {_VERSION}, got {version!r}")
    try:
        meta_all = json.loads(str(need("metadata")))
        offset = float(need("offset"))
        if "eps" in members:
            eps: Any = members["eps"]
        else:
            shape = tuple(int(s) for s in need("eps_shape"))
            eps = sp.csr_array(
                (need("eps_data"), need("eps_indices"), need("eps_indptr")), shape=shape
            )
        model = SpinGlass(eps, offset=offset)
        meta = dict(meta_all["meta"])
        for key, value in members.items():
            if key.startswith(_META_ARRAY):
                meta[key[len(_META_ARRAY) :]] = value
        inst = Instance(
            name=str(meta_all["name"]) if name is None else name,
            model=model,
            sense=meta_all["sense"],
            best_known=meta_all["best_known"],
            scale=float(meta_all["scale"]),
            shift=float(meta_all["shift"]),
            source=str(meta_all["source"]),
            meta=meta,
        )
    except FormatError:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise FormatError(source, None, f"invalid instance in the archive: {what}") from None
    return inst


#: The same as :func:`~isingeq.io.save_npz`.
write_npz = save_npz
#: The same as :func:`~isingeq.io.load_npz`.
read_npz = load_npz
