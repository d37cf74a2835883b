"""Hostile inputs to every public name of explained.python, .position, .multimodal and .ensembles.

For each public function or class, ``SPECS`` holds one cheap valid call. From it:

* ``test_valid_call`` runs it (and, where given, a hypothesis strategy of valid inputs with a
  property of the result);
* ``test_hostile_argument`` replaces one argument at a time with a hostile value (wrong type,
  NaN/inf, empty or oddly shaped arrays, wrong dtype, negative sizes, ...).

Every call goes through :func:`call`: it passes copies-to-compare of the arguments and checks that
the call either returns, or raises ValueError/TypeError with a message from the package's own code;
that no other exception escapes; that no NaN comes out of finite input; and that the caller's
arrays, lists and dicts are unchanged afterwards. For names under ``OWN_MESSAGES``
(explained.ensembles) the error must also come from a ``raise`` statement in the package
(:func:`foreign_origin`), not from numpy or Python. ``test_every_public_name_is_covered`` keeps
the table honest: a new public name without an entry fails it.

A spec's ``extra`` adds hostile values of the right shape that the shared list cannot know (an X
of 1e308s, labels as strings, weights of 5e-324, ...). Estimators are specified as "construct,
then fit" so that bad hyper-parameters reach ``fit``, where they are validated (as in
scikit-learn); their methods are specs on a small fitted model. Separate tests check that every
bad hyper-parameter is rejected by name and that predicting with the wrong number of features
names the expected count.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import dis
import importlib
import importlib.util
import inspect
import math
import pkgutil
import warnings
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import DataConversionWarning

import explained

PACKAGE_DIR = Path(explained.__file__).resolve().parent
SKLEARN_DIR = Path(importlib.util.find_spec("sklearn").origin).resolve().parent
SUBPACKAGES = ["python", "position", "multimodal", "ensembles"]
FAST = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


# -- the public surface ------------------------------------------------------------------------


def public_names() -> set[str]:
    """``module.name`` of every public name: a module's ``__all__``, else its public defs."""
    names: set[str] = set()
    for sub in SUBPACKAGES:
        package = importlib.import_module(f"explained.{sub}")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"explained.{sub}.{info.name}")
            exported = getattr(module, "__all__", None)
            if exported is None:
                exported = [
                    n
                    for n, obj in vars(module).items()
                    if not n.startswith("_")
                    and (inspect.isfunction(obj) or inspect.isclass(obj))
                    and obj.__module__ == module.__name__
                ]
            names |= {f"{module.__name__}.{n}" for n in exported}
        names |= {f"{package.__name__}.{n}" for n in getattr(package, "__all__", [])}
    return names


def resolve(qualname: str) -> Any:
    module, _, name = qualname.rpartition(".")
    return getattr(importlib.import_module(module), name)


# -- one guarded call ----------------------------------------------------------------------------


def snapshot(value: Any) -> Any:
    """A deep copy to compare with later; None for what cannot be copied (iterators, modules)."""
    if (
        isinstance(value, (Iterator, np.random.Generator))
        or inspect.isgenerator(value)
        or callable(value)
    ):
        return None  # consuming an iterator or advancing a Generator is what they are for
    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - an uncopyable argument is simply not compared
        return None


def same(a: Any, b: Any, depth: int = 0) -> bool:
    if depth > 20:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], depth + 1) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(same(x, y, depth + 1) for x, y in zip(a, b))
        )
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if hasattr(a, "__dict__") and type(a) is type(b) and not isinstance(a, type):
        return same(vars(a), vars(b), depth + 1)
    if type(a).__eq__ is object.__eq__:
        return type(a) is type(b)  # compared by identity only: a copy is never "equal"
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - an ambiguous comparison counts as unchanged
        return True


def finite(value: Any, depth: int = 0) -> bool:
    """No NaN anywhere in ``value`` (inf is allowed: it may be the honest answer)."""
    if depth > 6:
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind not in "fc" or not bool(np.isnan(value).any())
    if isinstance(value, (float, np.floating, complex)):
        return not np.isnan(value)
    if isinstance(value, dict):
        return all(finite(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(finite(v, depth + 1) for v in value[:1000])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return all(finite(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    return True


def all_finite_input(values: Any, depth: int = 0) -> bool:
    if depth > 6:
        return True
    if isinstance(values, np.ndarray):
        return values.dtype.kind not in "fc" or bool(np.isfinite(values).all())
    if isinstance(values, (float, complex, np.floating)):
        return bool(np.isfinite(values))
    if isinstance(values, dict):
        return all(all_finite_input(v, depth + 1) for v in values.values())
    if isinstance(values, (list, tuple)):
        return all(all_finite_input(v, depth + 1) for v in values)
    return True


def drain(result: Any) -> Any:
    """Run a lazy result (an iterator) far enough that its errors show up."""
    if isinstance(result, Iterator) and not isinstance(result, (str, bytes)):
        return list(islice(result, 200))
    return result


@contextlib.contextmanager
def memory_cap(extra: int = 2 << 30) -> Iterator[None]:
    """Cap the address space at its current size + ``extra`` bytes (Linux), so that a runaway
    allocation raises MemoryError in the call instead of getting the test run killed."""
    try:
        import resource

        status = Path("/proc/self/status").read_text()
        current = int(status.split("VmSize:")[1].split()[0]) * 1024
        old = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (current + extra, old[1]))
    except (ImportError, OSError, ValueError, IndexError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, old)


def foreign_origin(exc: BaseException) -> str | None:
    """None when ``exc`` was raised by a ``raise`` statement in the package's own code, else where
    it came from: a library (numpy, the standard library), the test file, or a call made by the
    package (``int(x)``, ``a == b``, ...) whose message is the callee's, not ours.

    explained.ensembles validates its data with scikit-learn (``validate_data`` and friends), so
    an error raised inside scikit-learn, after the package's last frame, counts as the package's
    own: scikit-learn words its validation errors with care, and its estimators raise the same.
    """
    tb = exc.__traceback__
    frames = []
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    if not frames:
        return None
    for frame in reversed(frames):
        path = Path(frame.tb_frame.f_code.co_filename).resolve()
        if path.is_relative_to(SKLEARN_DIR):
            return None
        if path.is_relative_to(PACKAGE_DIR):
            break
    tb = frames[-1]
    code = tb.tb_frame.f_code
    place = f"{Path(code.co_filename).name}:{tb.tb_lineno}"
    if not Path(code.co_filename).resolve().is_relative_to(PACKAGE_DIR):
        return f"came from {code.co_filename}:{tb.tb_lineno}, not from the package"
    for instruction in dis.get_instructions(code):
        if instruction.offset == tb.tb_lasti:
            if instruction.opname not in ("RAISE_VARARGS", "RERAISE"):
                return f"came from a call at {place}, not from a raise statement"
            break
    return None


def call(
    fn: Callable[..., Any],
    args: tuple,
    kwargs: dict,
    *,
    mutates: tuple[str, ...] = (),
    own_messages: bool = False,
) -> Any:
    """Call ``fn``; return its result or the ValueError/TypeError it raised; fail on anything else.

    With ``own_messages`` the error must also come from a ``raise`` in the package (see
    :func:`foreign_origin`), not from numpy or Python.
    """
    before = (
        [None if str(i) in mutates else snapshot(a) for i, a in enumerate(args)],
        {k: None if k in mutates else snapshot(v) for k, v in kwargs.items()},
    )
    finite_in = all_finite_input(list(args)) and all_finite_input(kwargs)
    try:
        with memory_cap():
            result = drain(fn(*args, **kwargs))
    except (ValueError, TypeError) as exc:
        message = str(exc)
        assert len(message) >= 10, f"{fn.__qualname__}: unhelpful message {message!r}"
        where = foreign_origin(exc) if own_messages else None
        assert where is None, f"{fn.__qualname__}: {type(exc).__name__} {where}: {message:.200}"
        result = exc
    except Exception as exc:
        raise AssertionError(
            f"{fn.__qualname__} raised {type(exc).__name__}: {exc}; arguments "
            f"{' '.join(repr(args).split()):.200} {' '.join(repr(kwargs).split()):.200}"
        ) from exc
    finally:
        plt = __import__("sys").modules.get("matplotlib.pyplot")
        if plt is not None:
            plt.close("all")
    for old, new in zip(before[0], args):
        if old is not None:
            assert same(old, new), f"{fn.__qualname__} mutated an argument: {old!r:.200}"
    for key, old in before[1].items():
        if old is not None:
            assert same(old, kwargs[key]), f"{fn.__qualname__} mutated {key}="
    if not isinstance(result, Exception) and finite_in:
        assert finite(result), f"{fn.__qualname__} returned NaN for finite input"
    return result


# -- hostile values ----------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")
HOSTILE: list[tuple[str, Any]] = [
    ("None", None),
    ("str", "abc"),
    ("bytes", b"xy"),
    ("object", object()),
    ("empty list", []),
    ("empty dict", {}),
    ("complex", 1j),
    ("bool", True),
    ("negative", -1),
    ("zero", 0),
    ("float", 1.5),
    ("negative float", -2.5),
    ("nan", NAN),
    ("inf", INF),
    ("-inf", -INF),
    ("huge int", 10**30),
    ("huge float", 1e300),
    ("numpy int", np.int64(3)),
    ("empty array", np.array([])),
    ("nan array", np.array([NAN, 1.0])),
    ("inf matrix", np.array([[INF, 0.0], [0.0, 1.0]])),
    ("0x4 array", np.zeros((0, 4))),
    ("4-D array", np.zeros((2, 3, 4, 6))),
    ("str array", np.array(["a", "b"])),
    ("complex array", np.array([1 + 1j, 2.0])),
    ("float16 array", np.ones((3, 4), np.float16)),
    ("int8 array", np.ones((2, 4), np.int8)),
    ("object array", np.array([1, None], dtype=object)),
    ("mixed list", [1, "a"]),
    ("ragged list", [[1, 2], [3]]),
    ("nested nan", [[NAN, 1.0]]),
]

# Sizes this large make some functions loop for ever (they are O(n) by design); those specs
# say so with ``huge=False`` and get every other hostile value.
HUGE = {"huge int"}


@dataclasses.dataclass
class Spec:
    """How to call one public name cheaply and validly; ``setup`` returns (fn, args, kwargs)."""

    setup: Callable[[], tuple[Callable[..., Any], tuple, dict]]
    huge: bool = True  # may a size argument be 10**30?
    fixed: tuple[str, ...] = ()  # arguments not to replace (objects built by the package itself)
    mutates: tuple[str, ...] = ()  # arguments the function documents that it changes in place
    note: str = ""
    # (argument, label, value): hostile values that only make sense for this name, e.g. an X of
    # the right shape whose contents are extreme, tried after the shared HOSTILE values.
    extra: tuple[tuple[str, str, Any], ...] = ()


def spec(
    fn: Callable[..., Any] | str,
    *args: Any,
    huge: bool = True,
    fixed: tuple[str, ...] = (),
    **kwargs: Any,
) -> Spec:
    def setup() -> tuple[Callable[..., Any], tuple, dict]:
        target = resolve(fn) if isinstance(fn, str) else fn
        return target, copy.deepcopy(args), copy.deepcopy(kwargs)

    return Spec(setup, huge=huge, fixed=fixed)


def record(note: str) -> Spec:
    """A plain data record (a dataclass/NamedTuple returned by the package): nothing to validate."""
    return Spec(lambda: (lambda: None, (), {}), note=note)


def no_input(fn: str) -> Spec:
    return Spec(lambda: (resolve(fn), (), {}), note="takes no arguments")


def method(
    factory: Callable[[], Any],
    name: str,
    *args: Any,
    huge: bool = True,
    fixed: tuple[str, ...] = (),
    **kwargs: Any,
) -> Spec:
    def setup() -> tuple[Callable[..., Any], tuple, dict]:
        return getattr(factory(), name), copy.deepcopy(args), copy.deepcopy(kwargs)

    return Spec(setup, huge=huge, fixed=fixed)


# Shared small objects of the multimodal package, built once.
_cache: dict[str, Any] = {}


def mm(name: str) -> Any:
    from explained.multimodal import Captioner, DualEncoder, MatchingHead, make_dataset, train

    if name not in _cache:
        if name == "data":
            _cache[name] = make_dataset(16, noise=0.25, seed=0)
        elif name == "encoder":
            model = DualEncoder(embed_dim=8, hidden=16, seed=0)
            train(model, make_dataset(64, seed=0), epochs=1, batch_size=16)
            _cache[name] = model
        elif name == "head":
            _cache[name] = MatchingHead(mm("encoder")).fit(mm("data"), epochs=3)
        elif name == "captioner":
            _cache[name] = Captioner(mm("encoder")).fit(mm("data"), epochs=3)
    return copy.deepcopy(_cache[name])


def _rng() -> np.random.Generator:
    return np.random.default_rng(0)


def _graph() -> Any:
    from explained.python.toy_gc import ObjectGraph

    return ObjectGraph({"a": ["b"], "b": ["a"], "c": []}, external={"c": 1})


def _model() -> Any:
    from explained.position import PositionModel

    return PositionModel(dim=4, train_length=8)


def _data() -> Any:
    return mm("data")


def _gen(x: float) -> Iterator[float]:
    yield x


R = np.random.default_rng(0)
Q4 = R.normal(size=(3, 4))
UNIT = Q4 / np.linalg.norm(Q4, axis=1, keepdims=True)
IMAGES = np.zeros((2, 3, 8, 8))


def _changed(base: dict, path: tuple[str, ...], value: Any) -> dict:
    """A deep copy of ``base`` with ``base[path[0]][path[1]]...`` set to ``value`` (or removed
    when ``value`` is ``_changed``)."""
    out = copy.deepcopy(base)
    inner = out
    for key in path[:-1]:
        inner = inner[key]
    if value is _changed:
        del inner[path[-1]]
    else:
        inner[path[-1]] = value
    return out


# Studies of the shape batch_size_study and capfilt_study return, for the hostile variants.
_BS_STUDY = {
    "batch_sizes": [4, 8],
    "examples": 16,
    "steps": [4, 2],
    "seeds": [0, 1],
    "accuracy": {"clip": [[0.1, 0.2], [0.3, 0.4]], "siglip": [[0.2, 0.2], [0.4, 0.4]]},
    "mean": {"clip": [0.15, 0.35], "siglip": [0.2, 0.4]},
    "sd": {"clip": [0.07, 0.07], "siglip": [0.0, 0.0]},
}
_CF_STUDY = {
    "seeds": [0, 1],
    "mean": {"noisy web": 0.5, "filter only": 0.6, "CapFilt (nucleus)": 0.7},
    "sd": {"noisy web": 0.1, "filter only": 0.0, "CapFilt (nucleus)": 0.05},
    "accuracy": {
        "noisy web": [0.4, 0.6],
        "filter only": [0.6, 0.6],
        "CapFilt (nucleus)": [0.65, 0.75],
    },
}


def _bad_batch_size_studies() -> list[tuple[str, dict]]:
    b = _BS_STUDY
    return [
        ("no mean", _changed(b, ("mean",), _changed)),
        ("no siglip sd", _changed(b, ("sd", "siglip"), _changed)),
        ("nan mean", _changed(b, ("mean", "clip"), [NAN, 0.3])),
        ("accuracy above 1", _changed(b, ("mean", "clip"), [1.5, 0.3])),
        ("negative sd", _changed(b, ("sd", "clip"), [-0.1, 0.0])),
        ("mean of the wrong length", _changed(b, ("mean", "siglip"), [0.2])),
        ("batch size 0", _changed(b, ("batch_sizes",), [0, 8])),
        ("float batch sizes", _changed(b, ("batch_sizes",), [4.0, 8.0])),
        ("examples as text", _changed(b, ("examples",), "16")),
        ("no seeds", _changed(b, ("seeds",), [])),
        ("mean as a list", _changed(b, ("mean",), [0.1, 0.2])),
    ]


def _bad_capfilt_studies() -> list[tuple[str, dict]]:
    c = _CF_STUDY
    return [
        ("no accuracy", _changed(c, ("accuracy",), _changed)),
        ("a name without a mean", _changed(c, ("mean", "filter only"), _changed)),
        ("nan mean", _changed(c, ("mean", "noisy web"), NAN)),
        ("mean as text", _changed(c, ("mean", "noisy web"), "0.5")),
        ("negative sd", _changed(c, ("sd", "noisy web"), -0.1)),
        ("accuracy of the wrong length", _changed(c, ("accuracy", "noisy web"), [0.4])),
        ("accuracy above 1", _changed(c, ("accuracy", "noisy web"), [0.4, 2.0])),
        ("seeds as an int", _changed(c, ("seeds",), 2)),
    ]


P, S, M = "explained.python.", "explained.position.", "explained.multimodal."
SPECS: dict[str, Spec] = {
    # -- explained.python --------------------------------------------------------------------
    P + "generators.Countdown": spec(P + "generators.Countdown", 3),
    P + "generators.Summary": record("NamedTuple returned by running_average"),
    P + "generators.countdown": spec(P + "generators.countdown", 3),
    P + "generators.naturals": spec(P + "generators.naturals", 5),
    P + "generators.take": spec(P + "generators.take", 2, [1, 2, 3]),
    P + "generators.chunked": spec(P + "generators.chunked", [1, 2, 3], 2),
    P + "generators.flatten": spec(P + "generators.flatten", [1, [2, (3,)]]),
    P + "generators.moving_average": spec(P + "generators.moving_average", [1.0, 2.0, 4.0], 2),
    P + "generators.running_average": Spec(
        lambda: (
            lambda *values: _drive(resolve(P + "generators.running_average"), values),
            (1.0, 2.0),
            {},
        )
    ),
    P + "generators.primed": spec(P + "generators.primed", _gen),
    P + "generators.tally": Spec(
        lambda: (lambda *values: _drive(resolve(P + "generators.tally"), values), ("a", 1), {})
    ),
    P + "generators.summarise_groups": spec(P + "generators.summarise_groups", {"a": [1.0, 2.0]}),
    P + "generators.lifecycle": no_input(P + "generators.lifecycle"),
    P + "generators.trace_pipeline": spec(
        P + "generators.trace_pipeline", 3, huge=False, lazy=True
    ),
    P + "generators.peak_memory": spec(P + "generators.peak_memory", lambda: [0] * 10),
    P + "mutability.is_deeply_immutable": spec(P + "mutability.is_deeply_immutable", (1, [2])),
    P + "mutability.shared_mutables": spec(P + "mutability.shared_mutables", [[1], 2], [[3]]),
    P + "mutability.item_ops": spec(P + "mutability.item_ops", _gen),
    P + "sequences.pointer_size": no_input(P + "sequences.pointer_size"),
    P + "sequences.list_capacity": spec(P + "sequences.list_capacity", [1, 2, 3]),
    P + "sequences.growth_steps": spec(P + "sequences.growth_steps", 20, huge=False),
    P + "sequences.predicted_growth_steps": spec(
        P + "sequences.predicted_growth_steps", 20, huge=False
    ),
    P + "sequences.resize_target": spec(P + "sequences.resize_target", 5, 4),
    P + "sequences.growth_ratios": spec(P + "sequences.growth_ratios", [(1, 4), (5, 8)]),
    P + "sequences.copies_during_growth": spec(
        P + "sequences.copies_during_growth", [(1, 4), (5, 8)]
    ),
    P + "toy_gc.ObjectGraph": spec(
        P + "toy_gc.ObjectGraph", {"a": ["b"], "b": []}, external={"a": 1}
    ),
    P + "toy_gc.GcResult": record("dataclass returned by collect"),
    P + "toy_gc.RealOutcome": record("dataclass returned by observe_real_gc"),
    P + "toy_gc.refcounts": Spec(lambda: (resolve(P + "toy_gc.refcounts"), (_graph(),), {})),
    P + "toy_gc.gc_refs": Spec(lambda: (resolve(P + "toy_gc.gc_refs"), (_graph(),), {})),
    P + "toy_gc.collect": Spec(lambda: (resolve(P + "toy_gc.collect"), (_graph(),), {})),
    P + "toy_gc.refcount_survivors": Spec(
        lambda: (resolve(P + "toy_gc.refcount_survivors"), (_graph(),), {})
    ),
    P + "toy_gc.observe_real_gc": Spec(
        lambda: (resolve(P + "toy_gc.observe_real_gc"), (_graph(),), {})
    ),
    P + "sequences.copies_per_append": spec(
        P + "sequences.copies_per_append", [(1, 4), (5, 8)], 5, huge=False
    ),
    P + "sequences.one_slot_steps": spec(P + "sequences.one_slot_steps", 5, huge=False),
    P + "figures.plot_pipeline_order": spec(
        P + "figures.plot_pipeline_order", [("read", 0), ("sum", 0)], [("read", 0)], huge=False
    ),
    P + "figures.plot_peak_memory": spec(
        P + "figures.plot_peak_memory", (10, 100), [400.0, 4000.0], [300.0, 300.0], huge=False
    ),
    P + "figures.plot_list_growth": spec(
        P + "figures.plot_list_growth",
        [(1, 4), (5, 8)],
        [(1, 4), (5, 8)],
        [10, 100],
        [1.0, 2.0],
        [4.5, 49.5],
        huge=False,
    ),
    P + "figures.plot_gc_refs": Spec(
        lambda: (
            resolve(P + "figures.plot_gc_refs"),
            (
                _graph(),
                {"a": 1, "b": 1, "c": 1},
                resolve(P + "toy_gc.collect")(_graph()),
            ),
            {"positions": {"a": (0, 0), "b": (1, 0), "c": (0, 1)}},
        )
    ),
    # -- explained.position --------------------------------------------------------------------
    S + "LAYOUTS": record("tuple constant"),
    S + "SCHEMES": record("tuple constant"),
    S + "PositionModel": spec(
        S + "PositionModel", dim=4, train_length=8, num_heads=2, shaw_clip=2, num_buckets=8, seed=0
    ),
    S + "PositionModel.parameters": method(_model, "parameters", "shaw"),
    S + "PositionModel.extra_operations": method(_model, "extra_operations", "rope", 5),
    S + "PositionModel.logits": method(_model, "logits", "t5", Q4, [0, 1, 2]),
    S + "comparison_table": Spec(
        lambda: (resolve(S + "comparison_table"), (_model(),), {"seq_len": 3, "shift": 2}),
        fixed=("0",),
    ),
    S + "absolute_score_terms": spec(S + "absolute_score_terms", Q4, Q4, np.eye(4), np.eye(4)),
    S + "sinusoidal_encoding": spec(S + "sinusoidal_encoding", 3, 4, base=100.0),
    S + "sinusoidal_shift_matrix": spec(S + "sinusoidal_shift_matrix", 2, 4, base=100.0),
    S + "elu_feature_map": spec(S + "elu_feature_map", Q4),
    S + "softmax_attention": spec(
        S + "softmax_attention", Q4, Q4, Q4, bias=np.zeros((3, 3)), causal=True
    ),
    S + "rope_linear_attention": spec(
        S + "rope_linear_attention", Q4, Q4, Q4, causal=True, base=100.0
    ),
    S + "rope_linear_attention_naive": spec(
        S + "rope_linear_attention_naive", Q4, Q4, Q4, causal=True, base=100.0
    ),
    S + "alibi_bias": spec(S + "alibi_bias", 4, 3),
    S + "alibi_slopes": spec(S + "alibi_slopes", 6),
    S + "deberta_relative_index": spec(S + "deberta_relative_index", 3, 4, 2),
    S + "deberta_score_terms": spec(
        S + "deberta_score_terms", Q4, Q4, np.ones((4, 4)), np.ones((4, 4)), 2
    ),
    S + "shaw_attention_logits": spec(S + "shaw_attention_logits", Q4, Q4, np.ones((5, 4)), 2),
    S + "shaw_relative_indices": spec(S + "shaw_relative_indices", 3, 4, 2),
    S + "t5_bias_matrix": spec(
        S + "t5_bias_matrix", 2, 3, np.arange(8.0), bidirectional=True, max_distance=16
    ),
    S + "t5_relative_position_bucket": spec(
        S + "t5_relative_position_bucket",
        [-3, 0, 5],
        bidirectional=False,
        num_buckets=8,
        max_distance=16,
    ),
    S + "transformer_xl_score_terms": spec(
        S + "transformer_xl_score_terms",
        Q4,
        np.eye(4),
        np.eye(4),
        np.eye(4),
        np.ones(4),
        np.ones(4),
        base=100.0,
    ),
    S + "apply_rope": spec(
        S + "apply_rope", Q4, [0, 1, 2], base=100.0, layout="half", inv_freq=None
    ),
    S + "interleaved_to_half_permutation": spec(S + "interleaved_to_half_permutation", 4),
    S + "bfloat16_round": spec(S + "bfloat16_round", [1.0, 257.0, -3.5]),
    S + "hierarchical_extension": spec(S + "hierarchical_extension", np.ones((3, 2)), 0.4),
    S + "relative_decay_bound": spec(S + "relative_decay_bound", [0, 3], 4, 100.0),
    S + "rope_frequencies": spec(S + "rope_frequencies", 4, 100.0),
    S + "rope_rotation_matrix": spec(S + "rope_rotation_matrix", 2, 4, 100.0),
    S + "rope_score": spec(S + "rope_score", Q4[0], Q4[1], 3, 1, base=100.0, layout="half"),
    S + "rotate_half": spec(S + "rotate_half", Q4),
    S + "interpolate_positions": spec(S + "interpolate_positions", [0, 1, 4], 2.0),
    S + "ntk_aware_base": spec(S + "ntk_aware_base", 100.0, 8, 2.0),
    S + "ntk_aware_frequencies": spec(S + "ntk_aware_frequencies", 8, 100.0, 2.0),
    S + "position_interpolation_frequencies": spec(
        S + "position_interpolation_frequencies", 4, 100.0, 2.0
    ),
    S + "wavelengths": spec(S + "wavelengths", [1.0, 0.5]),
    S + "yarn_attention_factor": spec(S + "yarn_attention_factor", 4.0),
    S + "yarn_frequencies": spec(
        S + "yarn_frequencies", 8, 100.0, 4.0, 64, beta_fast=8.0, beta_slow=1.0, truncate=True
    ),
    S + "yarn_correction_range": spec(
        S + "yarn_correction_range", 8, 100.0, 64, beta_fast=8.0, beta_slow=1.0, truncate=False
    ),
    S + "llama3_frequencies": spec(
        S + "llama3_frequencies", 8, 100.0, 4.0, 64, low_freq_factor=1.0, high_freq_factor=8.0
    ),
    S + "dynamic_ntk_frequencies": spec(S + "dynamic_ntk_frequencies", 8, 100.0, 2.0, 64, 256),
    S + "yarn_ramp": spec(S + "yarn_ramp", [0.5, 2.0, 40.0], 1.0, 32.0),
    S + "figures.plot_alibi_bias": spec(
        S + "figures.plot_alibi_bias", [0.5, 0.25], np.zeros((2, 3, 3)), huge=False
    ),
    S + "figures.plot_context_extension": spec(
        S + "figures.plot_context_extension", {"PI": [0.5, 0.5]}, 2.0, huge=False
    ),
    S + "figures.plot_long_term_decay": spec(
        S + "figures.plot_long_term_decay", [0, 1, 2], [3.0, 1.0, 2.0], [2], zoom=2, huge=False
    ),
    S + "figures.plot_relative_scores": spec(
        S + "figures.plot_relative_scores", np.eye(3), huge=False
    ),
    S + "figures.plot_sinusoidal_heatmap": spec(
        S + "figures.plot_sinusoidal_heatmap", np.ones((3, 4)), np.ones((3, 3)), huge=False
    ),
    S + "figures.plot_t5_buckets": spec(
        S + "figures.plot_t5_buckets", [-1, 0, 1], {"b": [1, 0, 17]}, 8, huge=False
    ),
    # -- explained.multimodal ------------------------------------------------------------------
    M + "clip_loss": spec(M + "clip_loss", UNIT, UNIT[::-1], 10.0),
    M + "clip_loss_grad": spec(M + "clip_loss_grad", UNIT, UNIT[::-1], 10.0),
    M + "siglip_loss": spec(M + "siglip_loss", UNIT, UNIT[::-1], 10.0, -10.0),
    M + "siglip_loss_grad": spec(M + "siglip_loss_grad", UNIT, UNIT[::-1], 10.0, -10.0),
    M + "siglip_loss_chunked": spec(M + "siglip_loss_chunked", UNIT, UNIT[::-1], 10.0, -10.0, 3),
    M + "siglip_chunk_schedule": spec(M + "siglip_chunk_schedule", 3, huge=False),
    M + "momentum.ema_update": spec(M + "momentum.ema_update", np.zeros(3), np.ones(3), 0.9),
    M + "momentum.FeatureQueue": spec(M + "momentum.FeatureQueue", 4, 4, huge=False),
    M + "momentum.momentum_targets": spec(M + "momentum.momentum_targets", UNIT @ UNIT.T, 0.4),
    M + "momentum.momentum_itc_loss": spec(
        M + "momentum.momentum_itc_loss", UNIT, UNIT[::-1], UNIT, UNIT[::-1], UNIT, UNIT, 0.4, 0.07
    ),
    M + "CLASS_NAMES": record("tuple constant"),
    M + "COLOURS": record("dict constant"),
    M + "SHAPES": record("tuple constant"),
    M + "TEMPLATES": record("tuple constant"),
    M + "VOCABULARY": record("tuple constant"),
    M + "MAX_LOGIT_SCALE": record("float constant"),
    M + "data.IMAGE_SIZE": record("int constant"),
    M + "ImageTextData": spec(
        M + "ImageTextData",
        IMAGES,
        ("a red ring", "a blue cross"),
        np.array([1, 10]),
        np.array([1, 10]),
    ),
    M + "ImageTextData.subset": method(_data, "subset", np.array([0, 2])),
    M + "ImageTextData.with_captions": method(
        _data, "with_captions", ["a red ring"] * 16, np.ones(16, dtype=int)
    ),
    M + "ImageTextData.concat": Spec(lambda: (_data().concat, (_data(),), {}), fixed=("0",)),
    M + "make_dataset": spec(
        M + "make_dataset",
        3,
        noise=0.5,
        classes=[0, 1],
        templates=("a {}",),
        pixel_noise=0.1,
        seed=0,
    ),
    M + "render_image": Spec(
        lambda: (
            resolve(M + "render_image"),
            ("red", "ring"),
            {"shift": (0, 2), "noise": 0.1, "rng": _rng()},
        )
    ),
    M + "tokenize": spec(M + "tokenize", "a red ring."),
    M + "bag_of_words": spec(M + "bag_of_words", ["a red ring", "a"]),
    M + "DualEncoder": spec(M + "DualEncoder", 4, 8, loss="siglip", seed=0),
    M + "DualEncoder.encode_images": method(lambda: mm("encoder"), "encode_images", IMAGES),
    M + "DualEncoder.encode_texts": method(lambda: mm("encoder"), "encode_texts", ["a red ring"]),
    M + "DualEncoder.image_hidden": method(lambda: mm("encoder"), "image_hidden", IMAGES),
    M + "DualEncoder.loss_and_grads": method(
        lambda: mm("encoder"), "loss_and_grads", IMAGES, ["a red ring", "a blue cross"]
    ),
    M + "TrainingHistory": record("dataclass returned by train"),
    M + "train": Spec(
        lambda: (
            resolve(M + "train"),
            (mm("encoder"), _data()),
            {
                "epochs": 1,
                "batch_size": 8,
                "lr": 0.01,
                "seed": 0,
                "learn_temperature": False,
                "steps": 2,
            },
        ),
        fixed=("0",),
        huge=False,
        mutates=("0",),
        note="",
    ),
    M + "class_text_embeddings": Spec(
        lambda: (resolve(M + "class_text_embeddings"), (mm("encoder"), [0, 5], ("a {}",)), {}),
        fixed=("0",),
    ),
    M + "zero_shot_predict": Spec(
        lambda: (resolve(M + "zero_shot_predict"), (mm("encoder"), IMAGES, [0, 5], ("a {}",)), {}),
        fixed=("0",),
    ),
    M + "zero_shot_accuracy": Spec(
        lambda: (
            resolve(M + "zero_shot_accuracy"),
            (mm("encoder"), _data(), [0, 5], ("a {}",)),
            {},
        ),
        fixed=("0", "1"),
    ),
    M + "recall_at_k": spec(M + "recall_at_k", np.eye(3), 2),
    M + "linear_probe_accuracy": spec(
        M + "linear_probe_accuracy",
        UNIT,
        np.array([0, 1, 1]),
        UNIT,
        np.array([0, 1, 0]),
        l2=1e-3,
        steps=5,
        lr=0.5,
        huge=False,
    ),
    M + "MatchingHead": Spec(
        lambda: (resolve(M + "MatchingHead"), (mm("encoder"),), {}), fixed=("0",)
    ),
    M + "MatchingHead.fit": Spec(
        lambda: (
            mm("head").fit,
            (_data(),),
            {"hard_negatives": True, "epochs": 2, "lr": 0.5, "seed": 0},
        ),
        fixed=("0",),
        huge=False,
    ),
    M + "MatchingHead.predict_proba": method(
        lambda: mm("head"), "predict_proba", IMAGES, ["a red ring", "a"]
    ),
    M + "Captioner": Spec(lambda: (resolve(M + "Captioner"), (mm("encoder"),), {}), fixed=("0",)),
    M + "Captioner.fit": Spec(
        lambda: (mm("captioner").fit, (_data(),), {"epochs": 2, "lr": 0.05}),
        fixed=("0",),
        huge=False,
    ),
    M + "Captioner.generate": method(
        lambda: mm("captioner"),
        "generate",
        IMAGES,
        method="beam",
        top_p=0.9,
        beam_width=2,
        seed=0,
        huge=False,
    ),
    M + "caption_class": spec(M + "caption_class", "a photo of a blue ring"),
    M + "sample_hard_negatives": Spec(
        lambda: (resolve(M + "sample_hard_negatives"), (np.eye(3), _rng(), 10.0), {})
    ),
    M + "CapFiltResult": record("dataclass returned by capfilt"),
    M + "capfilt": Spec(
        lambda: (
            resolve(M + "capfilt"),
            (_data(), mm("captioner"), mm("head")),
            {"method": "greedy", "threshold": 0.5, "seed": 0},
        ),
        fixed=("0", "1", "2"),
    ),
    M + "experiments.batch_size_study": Spec(
        lambda: (
            resolve(M + "experiments.batch_size_study"),
            ((4, 8),),
            {"examples": 16, "seeds": (0,)},
        ),
        huge=False,
    ),
    M + "experiments.capfilt_experiment": Spec(
        lambda: (
            resolve(M + "experiments.capfilt_experiment"),
            (0.5,),
            {"n_web": 64, "n_human": 64, "steps": 2, "seed": 0},
        ),
        huge=False,
    ),
    M + "experiments.capfilt_study": Spec(
        lambda: (
            resolve(M + "experiments.capfilt_study"),
            (0.5,),
            {"seeds": (0,), "n_web": 32, "n_human": 32, "steps": 1},
        ),
        huge=False,
    ),
    M + "figures.plot_similarity_matrices": spec(
        M + "figures.plot_similarity_matrices",
        {"random init": UNIT @ UNIT.T * 0.5, "after training": UNIT @ UNIT.T},
        ["red ring", "blue cross", "green square"],
        huge=False,
    ),
    M + "figures.plot_training_curve": spec(
        M + "figures.plot_training_curve", [3.0, 2.0, 1.5], [14.3, 14.0, 15.2], 2.08, 8, huge=False
    ),
    M + "figures.plot_loss_vs_scale": spec(
        M + "figures.plot_loss_vs_scale",
        np.geomspace(0.1, 100, 4),
        {"trained": [2.0, 1.0, 0.1, 0.01], "random": [2.1, 2.5, 9.0, 60.0]},
        2.08,
        1 / 0.07,
        huge=False,
    ),
    M + "figures.plot_loss_curves": spec(
        M + "figures.plot_loss_curves",
        {"b init = -10": [11.0, 5.0, 3.0], "b init = 0": [40.0, 8.0]},
        "training step",
        "SigLIP loss",
        huge=False,
    ),
    M + "figures.plot_chunk_schedule": Spec(
        lambda: (
            resolve(M + "figures.plot_chunk_schedule"),
            (resolve(M + "siglip_chunk_schedule")(3),),
            {},
        ),
        huge=False,
        extra=(
            ("0", "a block twice", [[(0, 0), (1, 1)], [(0, 0), (1, 0)]]),
            ("0", "a block missing", [[(0, 0), (1, 1)], [(0, 1)]]),
            ("0", "block out of range", [[(0, 0), (1, 1)], [(0, 1), (1, 2)]]),
            ("0", "triples", [[(0, 0, 0)]]),
            ("0", "flat pairs", [(0, 0), (1, 1)]),
            ("0", "float blocks", [[(0.0, 0.0)]]),
            ("0", "ten devices", [[(d, (d + k) % 10) for d in range(10)] for k in range(10)]),
        ),
    ),
    M + "figures.plot_itm_scores": spec(
        M + "figures.plot_itm_scores",
        np.array([0.9, 0.8, 0.2, 0.05]),
        np.array([True, True, False, False]),
        0.5,
        huge=False,
    ),
    M + "figures.plot_batch_size_study": Spec(
        lambda: (
            resolve(M + "figures.plot_batch_size_study"),
            (resolve(M + "experiments.batch_size_study")((4, 8), examples=16, seeds=(0,)),),
            {},
        ),
        huge=False,
        extra=tuple(("0", label, study) for label, study in _bad_batch_size_studies()),
    ),
    M + "figures.plot_capfilt_study": Spec(
        lambda: (
            resolve(M + "figures.plot_capfilt_study"),
            (
                resolve(M + "experiments.capfilt_study")(
                    0.5, seeds=(0,), n_web=32, n_human=32, steps=1
                ),
                ["noisy web", "filter only", "CapFilt (nucleus)"],
            ),
            {},
        ),
        huge=False,
        extra=tuple(("0", label, study) for label, study in _bad_capfilt_studies())
        + (("1", "a name the study lacks", ["noisy web", "no such set"]),),
    ),
}

# -- explained.ensembles ---------------------------------------------------------------------------
# Estimators validate their hyper-parameters in fit, as scikit-learn's do, so an estimator's spec
# is "construct with these parameters, then fit": every constructor parameter, X, y and
# sample_weight is an argument that gets the hostile values. The fitted model's public arrays,
# feature importances, predictions and score on the training rows come back for the NaN check.

E = "explained.ensembles."
_ENS = np.random.default_rng(1)
XE = _ENS.normal(size=(20, 4))  # four features: the 4-column hostile arrays reach past check_X
Y2 = np.where(XE[:, 0] + 0.5 * XE[:, 1] > 0, 1, 0)
Y3 = np.digitize(XE[:, 0], [-0.4, 0.4])
YR = XE[:, 0] + XE[:, 1] ** 2
WE = np.linspace(0.5, 1.5, 20)
# Documented to hold NaN (a sample that was in every bootstrap sample has no out-of-bag estimate).
DOCUMENTED_NAN = {"oob_decision_function_", "oob_prediction_"}

# (estimator, classifier?, parameters of a small valid fit over the defaults)
ESTIMATORS: dict[str, tuple[bool, dict[str, Any]]] = {
    "DecisionTreeClassifier": (True, {"max_depth": 3, "max_features": 3, "random_state": 0}),
    "DecisionTreeRegressor": (False, {"max_depth": 3, "max_features": 3, "random_state": 0}),
    "RandomForestClassifier": (
        True,
        {
            "n_estimators": 3,
            "criterion": "entropy",
            "max_depth": 3,
            "oob_score": True,
            "random_state": 0,
        },
    ),
    "RandomForestRegressor": (
        False,
        {
            "n_estimators": 3,
            "max_depth": 3,
            "max_features": 0.5,
            "oob_score": True,
            "random_state": 0,
        },
    ),
    "AdaBoostClassifier": (True, {"n_estimators": 3, "learning_rate": 0.5, "random_state": 0}),
    "GradientBoostingClassifier": (
        True,
        {"n_estimators": 3, "max_depth": 2, "subsample": 0.8, "random_state": 0},
    ),
    "GradientBoostingRegressor": (
        False,
        {"loss": "huber", "n_estimators": 3, "max_depth": 2, "subsample": 0.8, "random_state": 0},
    ),
}


def _estimator_params(name: str) -> dict[str, Any]:
    """Every constructor parameter: the defaults, with the small values of ``ESTIMATORS``."""
    cls = resolve(E + name)
    return {**cls().get_params(), **ESTIMATORS[name][1]}


def fitted(name: str, y: Any = None) -> Any:
    """A copy of a small estimator fitted on ``XE`` (classifiers on Y2, regressors on YR)."""
    classifier = ESTIMATORS[name][0]
    y = (Y2 if classifier else YR) if y is None else y
    key = f"{name}:{np.asarray(y).tobytes().hex()}"
    if key not in _cache:
        _cache[key] = resolve(E + name)(**_estimator_params(name)).fit(XE, y)
    return copy.deepcopy(_cache[key])


def _fit_and_summarise(name: str) -> Callable[..., Any]:
    cls = resolve(E + name)

    def fit(X: Any, y: Any, sample_weight: Any = None, **params: Any) -> dict[str, Any]:
        with warnings.catch_warnings():
            # A column-vector y is ravelled with this warning, as in scikit-learn (by design;
            # tests/ensembles/test_validation.py checks the warning and the result).
            warnings.simplefilter("ignore", DataConversionWarning)
            model = cls(**params).fit(X, y, sample_weight=sample_weight)
        try:  # the rows fit accepted must also be accepted by the fitted model
            out = {
                k: v
                for k, v in vars(model).items()
                if k.endswith("_") and not k.startswith("_") and k not in DOCUMENTED_NAN
            }
            out["feature_importances_"] = model.feature_importances_
            out["predict"] = model.predict(X)
            out["score"] = model.score(X, y)
            if hasattr(model, "predict_proba"):
                out["predict_proba"] = model.predict_proba(X)
        except Exception as exc:
            raise RuntimeError(f"fit succeeded but using the model failed: {exc!r}") from exc
        return out

    fit.__qualname__ = f"{name}(**params).fit"
    return fit


class _NoSampleWeight:
    """A classifier whose fit has no sample_weight (AdaBoost needs one)."""

    def fit(self, X: Any, y: Any) -> Any:
        self.label_ = np.asarray(y)[0]
        return self

    def predict(self, X: Any) -> np.ndarray:
        return np.full(len(X), self.label_)


def _estimator_extras(name: str) -> tuple[tuple[str, str, Any], ...]:
    """Shape-correct hostile values for X, y, sample_weight and the hyper-parameters."""
    from explained.ensembles import (
        DecisionTreeClassifier,
        DecisionTreeRegressor,
        GradientBoostingClassifier,
        RandomForestClassifier,
    )

    x_values = [
        ("constant X", np.zeros((20, 4))),
        ("extreme X", np.where(XE > 0, 1e308, -1e308)),
        ("subnormal X", np.round(XE * 3) * 5e-324),
        ("X of 1e300 and neighbours", 1e300 + np.round(XE * 3) * np.spacing(1e300)),
        ("bool X", XE > 0),
        ("int64 X", (XE * 2**60).astype(np.int64)),
        ("list X", XE.tolist()),
        ("float32 X", XE.astype(np.float32)),
        ("object X", XE.astype(object)),
        ("Fortran X", np.asfortranarray(XE)),
        ("one-feature X", XE[:, :1]),
        ("duplicated rows", np.repeat(XE[:10], 2, axis=0)),
    ]
    if ESTIMATORS[name][0]:
        y_values = [
            ("str labels", np.where(Y2 == 1, "yes", "no")),
            ("bool labels", Y2.astype(bool)),
            ("float labels", Y2.astype(float)),
            ("negative labels", 2 * Y2 - 1),
            ("huge labels", Y2 * 10**18),
            ("object str labels", np.where(Y2 == 1, "yes", "no").astype(object)),
            ("list labels", Y2.tolist()),
            ("3 classes", Y3),
            ("20 classes", np.arange(20)),
            ("a class of one", np.r_[np.zeros(19, int), 1]),
            ("column y", Y2[:, None]),
            ("real y", YR),
        ]
    else:
        y_values = [
            ("constant y", np.ones(20)),
            ("huge y", YR * 1e149),
            ("y at the limit", np.where(Y2 == 1, 1e150, -1e150)),
            ("tiny y", YR * 1e-300),
            ("int y", Y2),
            ("bool y", Y2.astype(bool)),
            ("list y", YR.tolist()),
            ("str y", np.array(list("ab") * 10)),
            ("object y", YR.astype(object)),
            ("column y", YR[:, None]),
        ]
    w_values = [
        ("huge weights", np.full(20, 1e308)),
        ("tiny weights", np.full(20, 5e-324)),
        ("one weight", np.r_[1.0, np.zeros(19)]),
        ("weights on one class", Y2.astype(float)),
        ("int weights", np.arange(20)),
        ("bool weights", Y2.astype(bool)),
        ("list weights", [1.0] * 20),
        ("one heavy weight", np.r_[1e12, np.ones(19)]),
    ]
    hyper = [("digit string", "3"), ("integral float", 3.0), ("numpy float", np.float64(0.5))]
    hyper += [("numpy bool", np.True_), ("tiny float", 1e-300), ("int32 max", 2**31 - 1)]
    params = [p for p in _estimator_params(name) if p not in ("n_estimators",)]
    extras = [("0", label, v) for label, v in x_values]
    extras += [("1", label, v) for label, v in y_values]
    extras += [("sample_weight", label, v) for label, v in w_values]
    extras += [(p, label, v) for p in params for label, v in hyper]
    if "n_estimators" in _estimator_params(name):  # int32 max trees would take for ever
        extras += [("n_estimators", label, v) for label, v in hyper if label != "int32 max"]
    if name == "AdaBoostClassifier":
        extras += [
            ("estimator", "regressor", DecisionTreeRegressor(max_depth=1)),
            ("estimator", "forest", RandomForestClassifier(n_estimators=2, random_state=0)),
            ("estimator", "boosting", GradientBoostingClassifier(n_estimators=2, max_depth=1)),
            ("estimator", "invalid stump", DecisionTreeClassifier(max_depth=-1)),
            ("estimator", "a class, not an instance", DecisionTreeClassifier),
            ("estimator", "no sample_weight", _NoSampleWeight()),
        ]
    return tuple(extras)


def _estimator_spec(name: str) -> Spec:
    def setup() -> tuple[Callable[..., Any], tuple, dict]:
        y = Y2 if ESTIMATORS[name][0] else YR
        kwargs = {"sample_weight": WE.copy(), **copy.deepcopy(_estimator_params(name))}
        return _fit_and_summarise(name), (XE.copy(), y.copy()), kwargs

    return Spec(setup, extra=_estimator_extras(name))


def _on_fitted(name: str, method_name: str, *args: Any) -> Spec:
    """``method_name`` of a fitted ``name`` called with ``args`` (X, and y for score)."""
    x_values = [
        ("one row", XE[:1].copy()),
        ("list X", XE.tolist()),
        ("extreme X", np.where(XE > 0, 1e308, -1e308)),
        ("object X", XE.astype(object)),
        ("int X", (XE * 100).astype(int)),
        ("3 features", XE[:, :3]),
        ("5 features", np.hstack([XE, XE[:, :1]])),
    ]
    extras = tuple(("0", label, v) for label, v in x_values)
    if len(args) > 1:
        extras += (("1", "wrong length y", args[1][:5]), ("1", "str y", np.array(["a"] * 20)))
    return Spec(lambda: (getattr(fitted(name), method_name), copy.deepcopy(args), {}), extra=extras)


def _y(name: str) -> np.ndarray:
    return Y2 if ESTIMATORS[name][0] else YR


ESTIMATOR_METHODS: dict[str, tuple[str, ...]] = {
    "DecisionTreeClassifier": ("predict", "predict_proba", "apply", "score"),
    "DecisionTreeRegressor": ("predict", "apply", "score"),
    "RandomForestClassifier": ("predict", "predict_proba", "score"),
    "RandomForestRegressor": ("predict", "score"),
    "AdaBoostClassifier": (
        "predict",
        "predict_proba",
        "decision_function",
        "staged_decision_function",
        "staged_predict",
        "staged_sample_weight",
        "score",
    ),
    "GradientBoostingClassifier": (
        "predict",
        "predict_proba",
        "decision_function",
        "staged_predict",
        "staged_predict_proba",
        "score",
    ),
    "GradientBoostingRegressor": ("predict", "staged_predict", "score"),
}
TAKES_Y = {"score", "staged_sample_weight"}

SPECS |= {E + name: _estimator_spec(name) for name in ESTIMATORS}
SPECS |= {
    f"{E}{name}.{m}": _on_fitted(name, m, XE, _y(name)) if m in TAKES_Y else _on_fitted(name, m, XE)
    for name, methods in ESTIMATOR_METHODS.items()
    for m in methods
}
SPECS |= {
    E + "NotFittedError": record("exception class"),
    E + "tree.Tree": record("dataclass of node arrays, the tree_ of a fitted tree"),
    E + "inspection.PermutationImportance": record("dataclass returned by permutation_importance"),
    E + "permutation_importance": Spec(
        lambda: (
            resolve(E + "permutation_importance"),
            (fitted("DecisionTreeRegressor"), XE.copy(), YR.copy()),
            {"n_repeats": 2, "random_state": 0},
        ),
        extra=(
            ("1", "3 features", XE[:, :3]),
            ("2", "str y", np.array(["a"] * 20)),
            ("2", "column y", YR[:, None]),
            ("0", "a class, not an instance", resolve(E + "DecisionTreeRegressor")),
            ("0", "unfitted", resolve(E + "DecisionTreeRegressor")()),
        ),
    ),
    E + "datasets.make_hastie_10_2": spec(E + "datasets.make_hastie_10_2", 20, random_state=0),
    E + "datasets.make_circle": spec(E + "datasets.make_circle", 20, 0.1, random_state=0),
    E + "datasets.make_friedman1": spec(
        E + "datasets.make_friedman1", 20, n_features=6, noise=1.0, random_state=0
    ),
    E + "experiments.max_features_accuracy": spec(
        E + "experiments.max_features_accuracy", (1, 2), seeds=(0,), n_estimators=1
    ),
    E + "experiments.correlated_tree_variance": spec(
        E + "experiments.correlated_tree_variance", 1.0, n_sets=2, n_trees=2, random_state=0
    ),
    E + "experiments.oob_error_curve": spec(
        E + "experiments.oob_error_curve", n_estimators=2, random_state=0
    ),
    E + "experiments.adaboost_error_curves": spec(
        E + "experiments.adaboost_error_curves", n_estimators=2, random_state=0
    ),
    E + "experiments.adaboost_regions": spec(
        E + "experiments.adaboost_regions", (1, 2), random_state=0, resolution=4
    ),
    E + "experiments.shrinkage_curves": spec(
        E + "experiments.shrinkage_curves", n_estimators=2, random_state=0
    ),
    E + "experiments.regression_losses": spec(E + "experiments.regression_losses", [0.5, 2.0], 1.0),
    E + "experiments.SHRINKAGE_SETTINGS": record("a constant: the three settings"),
    E + "figures.plot_max_features": spec(
        E + "figures.plot_max_features", [1, 7], [[0.6, 0.7]], 50, huge=False
    ),
    E + "figures.plot_correlated_trees": spec(
        E + "figures.plot_correlated_trees",
        {"m=3": {"sigma2": 2.0, "rho": 0.1, "measured": [2.0, 1.1]}},
        huge=False,
    ),
    E + "figures.plot_oob_error": spec(
        E + "figures.plot_oob_error", [0.3, 0.2], [0.3, 0.25], huge=False
    ),
    E + "figures.plot_adaboost_boundaries": spec(
        E + "figures.plot_adaboost_boundaries",
        {
            "X": [[0.0, 0.0], [2.0, 2.0]],
            "y": [0, 1],
            "grid": [-3.0, 3.0],
            "rounds": [1],
            "decision": [[[-1.0, 1.0], [1.0, 1.0]]],
            "train_error": [0.0],
        },
        huge=False,
    ),
    E + "figures.plot_adaboost_errors": spec(
        E + "figures.plot_adaboost_errors",
        {"train": [0.4, 0.3], "test": [0.5, 0.4], "bound": [0.9, 0.8], "gamma_bound": [1.0, 0.9]},
        huge=False,
    ),
    E + "figures.plot_example_8_2": spec(
        E + "figures.plot_example_8_2",
        [1, 2],
        [5.0, 6.0],
        [1, 2],
        {1: ([5.0, 6.0], 0.5)},
        huge=False,
    ),
    E + "figures.plot_shrinkage_subsampling": spec(
        E + "figures.plot_shrinkage_subsampling", {"a": {"train": [2.0], "test": [3.0]}}, huge=False
    ),
    E + "figures.plot_regression_losses": spec(
        E + "figures.plot_regression_losses",
        [0.0, 1.0],
        {k: {"loss": [0.0, 0.5], "gradient": [0.0, 1.0]} for k in ("squared", "absolute", "huber")},
        1.0,
        huge=False,
    ),
}


def _drive(genfunc: Callable[[], Any], values: tuple) -> list[Any]:
    """Prime a coroutine-style generator, send it ``values``, close it; return what it yielded."""
    gen = genfunc()
    out = [next(gen)]
    try:
        out += [gen.send(v) for v in values]
    except StopIteration as stop:  # running_average ends when it is sent None
        out.append(stop.value)
    gen.close()
    return out


def _identity(obj: Any) -> Any:
    # pytest --doctest-modules may import a module a second time, so compare names, not ids.
    return (
        (getattr(obj, "__module__", None), getattr(obj, "__qualname__", None))
        if (inspect.isfunction(obj) or inspect.isclass(obj))
        else ("constant", repr(obj))
    )


def covered(name: str) -> bool:
    """A spec exists for ``name`` or for the same object under another public name."""
    if name in SPECS:
        return True
    target = _identity(resolve(name))
    for key in SPECS:
        try:
            if _identity(resolve(key)) == target:
                return True
        except (AttributeError, ImportError, ValueError):
            continue  # a Class.method key
    return False


def test_every_public_name_is_covered() -> None:
    missing = sorted(n for n in public_names() if not covered(n))
    assert not missing, f"public names without a hostile-input spec: {missing}"


def test_every_spec_names_something_real() -> None:
    for key in SPECS:
        module, _, attr = key.rpartition(".")
        try:
            resolve(key)
        except (AttributeError, ImportError, ValueError):
            owner = resolve(module)  # Class.method
            assert inspect.isclass(owner) and callable(getattr(owner, attr)), key


INPUT_SPECS = [n for n, s in SPECS.items() if not s.note]


# Subpackages whose errors must come from their own raise statements (see foreign_origin); the
# older subpackages still let some numpy and Python messages through by design.
OWN_MESSAGES = ("explained.ensembles.",)


@pytest.mark.parametrize("name", list(SPECS))
def test_valid_call(name: str) -> None:
    fn, args, kwargs = SPECS[name].setup()
    result = call(
        fn, args, kwargs, mutates=SPECS[name].mutates, own_messages=name.startswith(OWN_MESSAGES)
    )
    assert not isinstance(result, Exception), f"{name}: the valid call raised {result!r}"


def _argument_slots(fn: Callable[..., Any], args: tuple, kwargs: dict) -> list[str]:
    return [str(i) for i in range(len(args))] + list(kwargs)


@pytest.mark.parametrize("name", INPUT_SPECS)
def test_hostile_argument(name: str) -> None:
    s = SPECS[name]
    fn, args, kwargs = s.setup()
    failures: list[str] = []
    trials = [
        (slot, label, value)
        for slot in _argument_slots(fn, args, kwargs)
        if slot not in s.fixed
        for label, value in HOSTILE
        if s.huge or label not in HUGE
    ]
    for slot, label, value in trials + list(s.extra):
        fn, args, kwargs = s.setup()
        if slot.isdigit():
            args = args[: int(slot)] + (copy.deepcopy(value),) + args[int(slot) + 1 :]
        else:
            kwargs[slot] = copy.deepcopy(value)
        try:
            call(fn, args, kwargs, mutates=s.mutates, own_messages=name.startswith(OWN_MESSAGES))
        except AssertionError as exc:
            failures.append(f"argument {slot} = {label}: {str(exc).splitlines()[0]:.300}")
    assert not failures, f"{name}:\n" + "\n".join(failures)


# -- explained.ensembles: what "return or raise" does not pin down -------------------------------

BAD_INTS = [0, -1, 1.5, "3", None, NAN, True, 10**30]
BAD_REALS = [0.0, -1.0, NAN, INF, "0.1", None, True, 1j]
BAD_HYPER: dict[str, list[Any]] = {
    "n_estimators": BAD_INTS,
    "max_depth": [v for v in BAD_INTS if v is not None],  # None: grow until pure
    "min_samples_split": [1, *BAD_INTS],
    "min_samples_leaf": BAD_INTS,
    "learning_rate": BAD_REALS,
    "subsample": [1.5, *BAD_REALS],
    "alpha": [1.0, *BAD_REALS],
    "criterion": ["abc", None, 3, ["gini"]],
    "loss": ["abc", None, 3, ["log_loss"]],
    "max_features": [0, -1, 5, 1.5, -0.5, "abc", True, NAN, [1]],
    "bootstrap": ["yes", 1, None],
    "oob_score": ["yes", 1, None],
    "random_state": [-1, 1.5, "abc", NAN, [0]],
    "init": ["mean", 0, np.zeros(2)],
    "estimator": ["stump", 3, object()],
    "min_weight_fraction_leaf": [-0.1, 0.6, NAN, "0.1", None, True],
    "n_jobs": [0, 1.5, "2", True],
    "verbose": [-1, 1.5, "yes", None],
    "warm_start": ["yes", 1, None],
    "class_weight": ["abc", 3, ["balanced"]],
    "max_samples": [0, -1, 10**6, 0.0, 1.5, "abc", True, NAN],
}
HYPER_CASES = [
    (name, param, value)
    for name in ESTIMATORS
    for param in _estimator_params(name)
    for value in BAD_HYPER[param]
]


@pytest.mark.parametrize(("name", "param", "value"), HYPER_CASES, ids=repr)
def test_bad_hyper_parameters_are_rejected_in_fit(name: str, param: str, value: Any) -> None:
    """As in scikit-learn: the constructor stores anything, fit rejects it and names it."""
    cls = resolve(E + name)
    model = cls(**{**_estimator_params(name), param: value})  # must not raise
    assert model.get_params()[param] is value
    y = Y2 if ESTIMATORS[name][0] else YR
    with pytest.raises((ValueError, TypeError)) as info:
        model.fit(XE, y)
    assert param in str(info.value), f"{name}({param}={value!r}): {info.value}"
    assert foreign_origin(info.value) is None, f"{name}({param}={value!r}): {info.value}"


X_METHODS = [(name, m) for name, methods in ESTIMATOR_METHODS.items() for m in methods]


@pytest.mark.parametrize(("name", "method_name"), X_METHODS)
@pytest.mark.parametrize("n_features", [1, 3, 5])
def test_wrong_number_of_features_names_the_expected_count(
    name: str, method_name: str, n_features: int
) -> None:
    model = fitted(name)
    X = np.zeros((3, n_features))
    args = (X, _y(name)[:3]) if method_name in TAKES_Y else (X,)
    with pytest.raises(ValueError, match="is expecting 4 features as input") as info:
        drain(getattr(model, method_name)(*args))
    assert f"X has {n_features} features" in str(info.value)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_methods_need_fit_first(name: str) -> None:
    from explained.ensembles import NotFittedError

    for method_name in ESTIMATOR_METHODS[name]:
        args = (XE, _y(name)) if method_name in TAKES_Y else (XE,)
        with pytest.raises(NotFittedError, match="not fitted yet"):
            drain(getattr(resolve(E + name)(), method_name)(*args))


@FAST
@given(
    st.sampled_from(list(ESTIMATORS)),
    st.integers(2, 3),
    st.integers(0, 2**32 - 1),
    st.floats(1e-3, 1e6),
)
def test_estimators_on_random_data(name: str, n_classes: int, seed: int, scale: float) -> None:
    """Finite predictions of the right shape, probabilities that sum to 1, inputs unchanged."""
    rng = np.random.default_rng(seed)
    X = rng.normal(scale=scale, size=(12, 3))
    if ESTIMATORS[name][0]:
        y = np.arange(12) % n_classes
        rng.shuffle(y)
    else:
        y = rng.normal(scale=scale, size=12)
    w = rng.uniform(0.1, 2.0, size=12)
    model = resolve(E + name)(**_estimator_params(name))
    assert call(model.fit, (X, y), {"sample_weight": w}, own_messages=True) is model
    X_new = rng.normal(scale=scale, size=(5, 3))
    pred = call(model.predict, (X_new,), {}, own_messages=True)
    assert pred.shape == (5,)
    if ESTIMATORS[name][0]:
        assert set(pred.tolist()) <= set(y.tolist())
        proba = call(model.predict_proba, (X_new,), {}, own_messages=True)
        assert proba.shape == (5, n_classes) and np.allclose(proba.sum(axis=1), 1.0)
        assert np.all((proba >= 0) & (proba <= 1))
    else:
        assert np.all(np.abs(pred) <= np.abs(y).max() * (1 + 1e-9) + 1e-12) or "Boosting" in name
    assert 0.0 <= model.feature_importances_.sum() <= 1.0 + 1e-9


# -- valid inputs: properties hypothesis can check ------------------------------------------------

finite_floats = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@FAST
@given(st.lists(finite_floats, max_size=30), st.integers(1, 6))
def test_moving_average_is_the_mean_of_each_window(values: list[float], window: int) -> None:
    from explained.python.generators import moving_average

    got = call(moving_average, (values, window), {})
    expected = [math.fsum(values[i : i + window]) / window for i in range(len(values) - window + 1)]
    assert len(got) == len(expected)
    scale = max((abs(v) for v in values), default=1.0)
    assert all(abs(g - e) <= 1e-6 * scale for g, e in zip(got, expected))


@FAST
@given(st.lists(finite_floats, min_size=1, max_size=20))
def test_running_average_matches_the_mean(values: list[float]) -> None:
    from explained.python.generators import running_average

    got = _drive(running_average, tuple(values))
    assert got[-1] == pytest.approx(math.fsum(values) / len(values), rel=1e-9, abs=1e-6)


@FAST
@given(
    st.integers(1, 6).map(lambda h: 2 * h),
    st.integers(1, 5),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["interleaved", "half"]),
    st.sampled_from([np.float32, np.float64]),
)
def test_apply_rope_keeps_lengths_and_dtype(
    dim: int, seq: int, seed: int, layout: str, dtype: type
) -> None:
    from explained.position import apply_rope

    x = np.random.default_rng(seed).normal(scale=1e3, size=(seq, dim)).astype(dtype)
    out = call(apply_rope, (x,), {"layout": layout})
    assert out.dtype == x.dtype and out.shape == x.shape
    tol = 1e-3 if dtype is np.float32 else 1e-9
    assert np.allclose(np.linalg.norm(out, axis=-1), np.linalg.norm(x, axis=-1), rtol=tol)


@FAST
@given(
    st.integers(1, 6),
    st.integers(1, 6),
    st.floats(1e-3, 1e3),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_softmax_attention_averages_the_values(
    n: int, d: int, spread: float, causal: bool, seed: int
) -> None:
    from explained.position import softmax_attention

    rng = np.random.default_rng(seed)
    q, k, v = (rng.normal(scale=spread, size=(n, d)) for _ in range(3))
    out = call(softmax_attention, (q, k, v), {"causal": causal})
    assert np.all(out >= v.min(axis=0) - 1e-9) and np.all(out <= v.max(axis=0) + 1e-9)


@FAST
@given(
    st.integers(1, 8),
    st.integers(1, 6),
    st.floats(0.01, 100.0),
    st.floats(-20.0, 20.0),
    st.integers(0, 2**32 - 1),
)
def test_contrastive_losses_are_finite_and_non_negative(
    n: int, d: int, scale: float, bias: float, seed: int
) -> None:
    from explained.multimodal import clip_loss, siglip_loss, siglip_loss_chunked

    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(2, n, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    assert call(clip_loss, (x, y, scale), {}) >= 0
    full = call(siglip_loss, (x, y, scale, bias), {})
    assert full >= 0
    assert call(siglip_loss_chunked, (x, y, scale, bias, 1), {}) == pytest.approx(full)


@FAST
@given(st.lists(st.lists(st.integers(0, 4), max_size=3), min_size=1, max_size=5), st.integers(0, 2))
def test_toy_collector_partitions_the_graph(targets: list[list[int]], n_external: int) -> None:
    from explained.python.toy_gc import ObjectGraph, collect, refcount_survivors

    names = [f"o{i}" for i in range(len(targets))]
    refs = {name: [names[t % len(names)] for t in ts] for name, ts in zip(names, targets)}
    graph = ObjectGraph(refs, external={names[0]: n_external})
    result = call(collect, (graph,), {})
    assert result.reachable | result.unreachable == set(names)
    assert not result.reachable & result.unreachable
    assert result.reachable <= call(refcount_survivors, (graph,), {})


# -- one test per bug the hostile table found (all fixed in the package) ------------------------


def test_moving_average_rejects_a_window_no_deque_can_hold() -> None:
    from explained.python.generators import moving_average

    with pytest.raises(ValueError, match="window must be at most"):
        moving_average([1.0], 10**30)  # was OverflowError from deque(maxlen=...)


def test_plot_gc_refs_checks_its_graph() -> None:
    from explained.python.figures import plot_gc_refs

    with pytest.raises(TypeError):
        plot_gc_refs("abc", {}, None)  # was AttributeError: 'str' object has no attribute 'nodes'


def test_plot_list_growth_checks_its_sizes() -> None:
    from explained.python.figures import plot_list_growth

    with pytest.raises((TypeError, ValueError)):
        plot_list_growth([(1, 4)], [(1, 4)], [10, 100], [1.0], [4.5, 49.5])  # lengths differ


def test_position_sizes_beyond_32_bits_are_value_errors() -> None:
    from explained.position import alibi_slopes, deberta_relative_index, shaw_relative_indices

    for fn, args in (
        (shaw_relative_indices, (3, 4, 10**30)),
        (deberta_relative_index, (3, 4, 10**30)),
    ):
        with pytest.raises(ValueError, match="at most"):
            fn(*args)  # was OverflowError from numpy
    with pytest.raises(ValueError, match="num_heads must be at most"):
        alibi_slopes(2**20)  # was a MemoryError after building a list of 10**30 slopes


def test_ntk_aware_base_overflow_is_a_value_error() -> None:
    from explained.position import ntk_aware_base

    with pytest.raises(ValueError, match="overflows"):
        ntk_aware_base(100.0, 8, 1e300)  # was OverflowError: Numerical result out of range


def test_plot_relative_scores_checks_its_data() -> None:
    from explained.position.figures import plot_relative_scores

    with pytest.raises(ValueError, match="finite"):
        plot_relative_scores(np.full((2, 2), np.inf))


@pytest.mark.parametrize(
    "fn, args",
    [
        ("clip_loss", (np.array([[1 + 1j, 0]]), np.array([[1.0, 0]]), 1.0)),
        ("recall_at_k", (np.eye(2) * (1 + 1j), 1)),
    ],
)
def test_complex_input_is_rejected_not_silently_truncated(fn: str, args: tuple) -> None:
    import explained.multimodal as mm_pkg

    with pytest.raises(TypeError, match="real"):
        getattr(mm_pkg, fn)(*args)  # was a ComplexWarning (the imaginary part dropped)


def test_dual_encoder_rejects_complex_images() -> None:
    from explained.multimodal import DualEncoder

    with pytest.raises(TypeError, match="real"):
        DualEncoder(embed_dim=4, hidden=4).encode_images(np.zeros((1, 3, 8, 8), complex))


def test_multimodal_validation_bugs() -> None:
    from explained.multimodal import (
        ImageTextData,
        caption_class,
        class_text_embeddings,
        linear_probe_accuracy,
        make_dataset,
        render_image,
        sample_hard_negatives,
        siglip_loss_chunked,
    )

    data = make_dataset(4, seed=0)
    with pytest.raises(TypeError, match="caption must be a str"):
        caption_class(None)  # was AttributeError
    with pytest.raises(TypeError, match="index"):
        ImageTextData.subset(data, np.array([0.5]))  # was IndexError
    with pytest.raises(TypeError, match="Generator"):
        render_image("red", "ring", noise=0.1, rng=3)  # was AttributeError
    with pytest.raises(TypeError, match="Generator"):
        sample_hard_negatives(np.eye(3), 3)  # was AttributeError
    with pytest.raises(ValueError, match="square"):
        sample_hard_negatives(np.float64(1.0), np.random.default_rng(0))  # was IndexError
    with pytest.raises(ValueError, match="scale"):
        sample_hard_negatives(np.eye(3), np.random.default_rng(0), scale=float("inf"))  # NaN rows
    with pytest.raises(TypeError, match="classes"):
        make_dataset(3, classes=[0.5, float("nan")])  # was a RuntimeWarning on the cast
    with pytest.raises(ValueError, match="n must be"):
        make_dataset(10**30)  # was OverflowError
    with pytest.raises(TypeError, match="templates"):
        make_dataset(3, templates=b"xy")  # was AttributeError: 'int' has no attribute 'count'
    with pytest.raises(ValueError, match="templates"):
        class_text_embeddings(None, [0], templates=[1, "a"])  # was AttributeError
    with pytest.raises(ValueError, match="n_devices"):
        siglip_loss_chunked(np.eye(2), np.eye(2), 1.0, 0.0, 10**30)  # was MemoryError
    x = np.eye(2)
    with pytest.raises(ValueError, match="lr"):
        linear_probe_accuracy(x, np.array([0, 1]), x, np.array([0, 1]), lr=float("inf"))


def test_training_rejects_steps_that_would_never_end() -> None:
    from explained.multimodal import Captioner, DualEncoder, MatchingHead, make_dataset, train
    from explained.multimodal.experiments import batch_size_study, capfilt_experiment

    model = DualEncoder(embed_dim=4, hidden=4)
    data = make_dataset(8, seed=0)
    with pytest.raises(ValueError, match="examples"):
        batch_size_study((4,), examples=10**30)  # was examples // b steps: it never returned
    with pytest.raises(ValueError, match="steps"):
        capfilt_experiment(steps=10**30)
    with pytest.raises(ValueError, match="lr"):
        train(model, data, batch_size=4, lr=float("inf"))
    with pytest.raises(ValueError, match="lr"):
        MatchingHead(model).fit(data, lr=float("nan"))
    with pytest.raises(ValueError, match="beam_width"):
        Captioner(model).generate(data.images[:1], method="beam", beam_width=10**30)  # ran for ever


def test_capfilt_experiment_without_noise_reports_no_nan() -> None:
    from explained.multimodal.experiments import _mean

    assert _mean(np.zeros(0, dtype=bool)) is None  # was np.mean([]) = NaN, with a RuntimeWarning
