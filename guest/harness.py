# sdg guest harness: runs inside the sandbox, in the interpreter's __main__, driven by the host.
# Defined once into the start-up snapshot; each run calls `_sdg_main()`.
#
# It asks the host for the run's parameters and the approved code through the door
# (`_host.call`), loads the code as a module, calls the contract's function, checks the result
# against the contract, and hands each column over as Arrow-layout buffers: it sends the
# addresses and lengths of numpy buffers, never the data itself. The host trusts none of it: the
# approved code shares this interpreter and could rewrite anything here.
#
# Protocol version (shared with src/sandbox/protocol.rs):
PROTOCOL = 1


class ContractError(Exception):
    """The result does not keep the contract (names, lengths, dtypes)."""


def _sdg_main():
    import json
    import linecache
    import traceback
    import types

    import _host

    def call(frame):
        return _host.call(json.dumps(frame, separators=(",", ":")).encode())

    hello = json.loads(call({"op": "hello", "protocol": PROTOCOL}))
    code = call({"op": "code"}).decode("utf-8")
    filename = "generator.py"

    def fail(exc):
        tb = exc.__traceback__
        frames = traceback.extract_tb(tb)
        # Trim to the approved code: drop the harness frames before the first user frame.
        first = next((i for i, f in enumerate(frames) if f.filename == filename), len(frames))
        kept = traceback.StackSummary.from_list(frames[first:])
        text = "Traceback (most recent call last):\n" + "".join(kept.format())
        text += "".join(traceback.format_exception_only(type(exc), exc))
        call(
            {
                "op": "error",
                "exc_type": type(exc).__name__,
                "message": str(exc)[:65536],
                "traceback": text[-65536:],
            }
        )

    try:
        import numpy as np

        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        module = types.ModuleType("generator")
        module.__file__ = filename
        exec(compile(code, filename, "exec"), module.__dict__)
        function = module.__dict__.get(hello["function"])
        if not callable(function):
            raise ContractError(f"the code defines no function `{hello['function']}`")
    except BaseException as exc:  # noqa: B902 — everything is reported, nothing escapes
        fail(exc)
        return

    call({"op": "begin"})
    try:
        result = function(num_samples=hello["num_samples"], seed=hello["seed"])
        columns = _columns(result, hello, np, ContractError)
        keep = []  # buffers stay alive until the host has copied them
        for index, (spec, col) in enumerate(zip(hello["outputs"], columns)):
            frame, buffers = _layout(spec, col, hello["num_samples"], np, ContractError)
            keep.append(buffers)
            frame.update({"op": "column", "index": index, "name": spec["name"]})
            call(frame)
        call({"op": "done", "columns": len(columns)})
    except BaseException as exc:  # noqa: B902
        fail(exc)


def _columns(result, hello, np, ContractError):
    """The result as a list of columns in contract order."""
    outputs = hello["outputs"]
    names = [o["name"] for o in outputs]
    pd = _pandas()
    if pd is not None and isinstance(result, pd.DataFrame):
        missing = [n for n in names if n not in result.columns]
        extra = [str(c) for c in result.columns if c not in names]
        if missing or extra:
            raise ContractError(f"DataFrame columns differ: missing {missing}, unexpected {extra}")
        return [result[n] for n in names]
    if isinstance(result, dict):
        missing = [n for n in names if n not in result]
        extra = [str(k) for k in result if k not in names]
        if missing or extra:
            raise ContractError(f"dict keys differ: missing {missing}, unexpected {extra}")
        return [result[n] for n in names]
    if len(names) == 1:
        # One output: a 1-tuple wraps it; anything else (array, list, Series) is the column.
        return [result[0]] if isinstance(result, tuple) and len(result) == 1 else [result]
    if isinstance(result, (tuple, list)):
        if len(result) != len(names):
            raise ContractError(f"returned {len(result)} values; the contract has {len(names)} outputs {names}")
        return list(result)
    raise ContractError(f"returned {type(result).__name__}; expected a tuple, dict or DataFrame of {names}")


def _pandas():
    """pandas if the generator imported it (its objects can only come from it), else None.

    Importing pandas costs hundreds of milliseconds of the generation deadline: never do it
    on the generator's behalf."""
    import sys

    return sys.modules.get("pandas")


def _address(a):
    return a.__array_interface__["data"][0]


def _region(a):
    return [_address(a), a.nbytes] if a.nbytes else [0, 0]


def _layout(spec, col, rows, np, ContractError):
    """(frame fields, buffers to keep alive) for one column in Arrow layout."""
    name, dtype, nullable = spec["name"], spec["dtype"], spec["nullable"]
    pd = _pandas()
    mask = None  # True where the value is null
    if pd is not None and isinstance(col, (pd.Series, pd.Index, pd.Categorical)):
        if dtype == "category":
            col = pd.Series(col).astype(object)
        if dtype in ("category", "utf8"):
            mask = np.asarray(pd.isna(col), dtype=bool)
            col = np.asarray(col, dtype=object)
        elif dtype == "timestamp":
            col = np.asarray(col)
        else:
            series = pd.Series(col)
            mask = np.asarray(series.isna(), dtype=bool) if dtype != "float64" else None
            if mask is not None and mask.any():
                target = {"int64": "int64", "bool": "bool"}[dtype]
                col = series.astype(object).where(~series.isna(), 0).to_numpy(dtype=target)
            else:
                col = series.to_numpy()
    arr = np.asarray(col)
    if arr.ndim != 1:
        raise ContractError(f"column `{name}` has shape {arr.shape}; expected ({rows},)")
    if arr.shape[0] != rows:
        raise ContractError(f"column `{name}` has {arr.shape[0]} rows; the contract asked for {rows}")
    if dtype == "float64":
        if arr.dtype.kind not in "fiub":
            raise ContractError(f"column `{name}` is {arr.dtype}; the contract says float64")
        values = np.ascontiguousarray(arr, dtype=np.float64)
    elif dtype == "int64":
        if arr.dtype.kind == "O" and nullable:
            mask = np.array([v is None for v in arr], dtype=bool)
            arr = np.array([0 if v is None else v for v in arr])
        if arr.dtype.kind not in "iub" or not np.can_cast(arr.dtype, np.int64, "safe"):
            raise ContractError(f"column `{name}` is {arr.dtype}; the contract says int64")
        values = np.ascontiguousarray(arr, dtype=np.int64)
    elif dtype == "bool":
        if arr.dtype.kind != "b":
            raise ContractError(f"column `{name}` is {arr.dtype}; the contract says bool")
        values = np.ascontiguousarray(arr, dtype=np.uint8)
    elif dtype == "timestamp":
        if arr.dtype.kind != "M":
            raise ContractError(f"column `{name}` is {arr.dtype}; the contract says timestamp")
        arr = arr.astype(f"datetime64[{spec.get('unit') or 'us'}]")
        mask = np.isnat(arr)
        values = np.ascontiguousarray(arr.view(np.int64))
    elif dtype in ("utf8", "category"):
        items = arr.tolist()
        if mask is None:
            mask = np.array([v is None for v in items], dtype=bool)
        if dtype == "category":
            index = {c: i for i, c in enumerate(spec["categories"])}
            codes = np.zeros(rows, dtype=np.int32)
            for i, v in enumerate(items):
                if mask[i]:
                    continue
                if not isinstance(v, str) or v not in index:
                    raise ContractError(f"column `{name}` has {v!r}, not one of {spec['categories']}")
                codes[i] = index[v]
            values = codes
        else:
            parts = []
            for i, v in enumerate(items):
                if mask[i]:
                    parts.append(b"")
                elif isinstance(v, str):
                    parts.append(v.encode("utf-8"))
                else:
                    raise ContractError(f"column `{name}` row {i} is {type(v).__name__}, not str")
            lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=rows)
            ends = np.cumsum(lengths)
            if rows and ends[-1] > 2**31 - 1:
                raise ContractError(f"column `{name}` holds more than 2 GiB of text")
            offsets = np.zeros(rows + 1, dtype=np.int32)
            offsets[1:] = ends
            data = np.frombuffer(b"".join(parts) or b"\0", dtype=np.uint8)[: int(ends[-1]) if rows else 0]
            frame = {"dtype": "utf8", "len": rows, "values": _region(data), "offsets": _region(offsets)}
            bitmap = _with_validity(frame, mask, nullable, name, np, ContractError)
            return frame, (data, offsets, bitmap)
    else:
        raise ContractError(f"column `{name}`: unknown dtype {dtype}")
    frame = {"dtype": dtype, "len": rows, "values": _region(values), "offsets": None}
    bitmap = _with_validity(frame, mask, nullable, name, np, ContractError)
    return frame, (values, bitmap)


def _with_validity(frame, mask, nullable, name, np, ContractError):
    """Sets the frame's null count and validity region; returns the bitmap to keep alive."""
    nulls = int(mask.sum()) if mask is not None else 0
    frame["null_count"] = nulls
    frame["validity"] = None
    if not nulls:
        return None
    if not nullable:
        raise ContractError(f"column `{name}` has {nulls} nulls but is not nullable")
    bitmap = np.packbits(~mask, bitorder="little")
    frame["validity"] = _region(bitmap)
    return bitmap


# The host runs this file once, then snapshots the interpreter (src/sandbox/snapshot.rs): the
# imports below are paid for once per machine, not per run. Each run then starts from the
# snapshot and calls `_sdg_main()` (RUN_CODE in src/sandbox/protocol.rs).
import json  # noqa: E402,F401
import linecache  # noqa: E402,F401
import traceback  # noqa: E402,F401
import types  # noqa: E402,F401

import numpy  # noqa: E402,F401
