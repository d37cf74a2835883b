"""Iterators and generators: the code behind the 生成器 (generators) article.

Every function here is small on purpose: each one isolates a single mechanism of the iterator
protocol or of generator objects so the article can show it, call it and check it.
"""

from __future__ import annotations

import inspect
import sys
import tracemalloc
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from itertools import islice
from numbers import Real
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")
K = TypeVar("K")

__all__ = [
    "Countdown",
    "Summary",
    "chunked",
    "countdown",
    "flatten",
    "lifecycle",
    "moving_average",
    "naturals",
    "peak_memory",
    "primed",
    "running_average",
    "summarise_groups",
    "take",
    "tally",
    "trace_pipeline",
]


def _check_count(name: str, value: object, *, minimum: int | None = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


class Countdown:
    """An iterator written by hand: the protocol that generators implement for you.

    Examples
    --------
    >>> it = Countdown(3)
    >>> iter(it) is it
    True
    >>> list(it)
    [3, 2, 1]
    >>> list(it)  # an iterator is used up once
    []
    """

    def __init__(self, start: int) -> None:
        self.current = _check_count("start", start)

    def __iter__(self) -> Countdown:
        return self

    def __next__(self) -> int:
        if self.current <= 0:
            raise StopIteration
        value = self.current
        self.current -= 1
        return value


def countdown(start: int) -> Iterator[int]:
    """The generator equivalent of :class:`Countdown`.

    The argument is checked when ``countdown`` is called, not at the first ``next()``: the checking
    happens in an ordinary function that returns the generator.

    Examples
    --------
    >>> list(countdown(3))
    [3, 2, 1]
    >>> countdown(-1)
    Traceback (most recent call last):
    ...
    ValueError: start must be >= 0, got -1
    >>> countdown(2.5)
    Traceback (most recent call last):
    ...
    TypeError: start must be an int, got float
    """
    _check_count("start", start)
    return _countdown(start)


def _countdown(current: int) -> Iterator[int]:
    while current > 0:
        yield current
        current -= 1


def naturals(start: int = 0) -> Iterator[int]:
    """Yield ``start, start + 1, ...`` forever: an infinite sequence needs no memory.

    Examples
    --------
    >>> take(4, naturals(10))
    [10, 11, 12, 13]
    """
    _check_count("start", start, minimum=None)
    return _naturals(start)


def _naturals(n: int) -> Iterator[int]:
    while True:
        yield n
        n += 1


def take(n: int, iterable: Iterable[T]) -> list[T]:
    """Return the first ``n`` items of ``iterable`` as a list (fewer if it runs out).

    Examples
    --------
    >>> take(3, "generator")
    ['g', 'e', 'n']
    >>> take(5, [1, 2])
    [1, 2]
    >>> take(0, "generator")  # zero items is a valid request, not an error
    []
    """
    _check_count("n", n)
    return list(islice(iterable, n))


def chunked(iterable: Iterable[T], size: int) -> Iterator[tuple[T, ...]]:
    """Yield consecutive tuples of ``size`` items; the last one may be shorter.

    Examples
    --------
    >>> list(chunked(range(7), 3))
    [(0, 1, 2), (3, 4, 5), (6,)]
    >>> list(chunked("abc", 1))  # the smallest chunk holds one item
    [('a',), ('b',), ('c',)]
    >>> chunked("abc", 0)
    Traceback (most recent call last):
    ...
    ValueError: size must be >= 1, got 0
    """
    _check_count("size", size, minimum=1)
    return _chunked(iter(iterable), size)


def _chunked(it: Iterator[T], size: int) -> Iterator[tuple[T, ...]]:
    while chunk := tuple(islice(it, size)):
        yield chunk


def flatten(nested: Iterable[Any]) -> Iterator[Any]:
    """Yield the leaves of arbitrarily nested iterables, delegating with ``yield from``.

    Strings and bytes are leaves, not iterables of characters (otherwise ``"a"`` would recurse
    forever: iterating a one-character string yields that same string).

    Examples
    --------
    >>> list(flatten([1, [2, [3, (4, 5)]], "ab"]))
    [1, 2, 3, 4, 5, 'ab']
    >>> flatten("ab")
    Traceback (most recent call last):
    ...
    TypeError: flatten expects a non-string iterable, got str
    """
    if isinstance(nested, (str, bytes)) or not isinstance(nested, Iterable):
        raise TypeError(f"flatten expects a non-string iterable, got {type(nested).__name__}")
    return _flatten(nested)


def _flatten(nested: Iterable[Any]) -> Iterator[Any]:
    for item in nested:
        if isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
            yield from _flatten(item)
        else:
            yield item


def moving_average(values: Iterable[float], window: int) -> Iterator[float]:
    """Yield the mean of each full window of ``window`` consecutive values, lazily.

    Examples
    --------
    >>> list(moving_average([1, 2, 3, 4, 5], 2))
    [1.5, 2.5, 3.5, 4.5]
    >>> list(moving_average([1, 2, 3], 1))  # a window of one averages nothing away
    [1.0, 2.0, 3.0]

    A window longer than the data never fills, so nothing is yielded. The largest window is
    ``sys.maxsize``, the most a ``deque`` can hold:

    >>> import sys
    >>> list(moving_average([1, 2], sys.maxsize))
    []
    >>> moving_average([1, 2], 2**64)
    Traceback (most recent call last):
    ...
    ValueError: window must be at most sys.maxsize, got 18446744073709551616
    """
    _check_count("window", window, minimum=1)
    if window > sys.maxsize:
        raise ValueError(f"window must be at most sys.maxsize, got {window}")
    return _moving_average(iter(values), window)


def _moving_average(values: Iterator[float], window: int) -> Iterator[float]:
    recent: deque[float] = deque(maxlen=window)
    total = 0.0
    for value in values:
        if len(recent) == window:
            total -= recent[0]
        recent.append(value)
        total += value
        if len(recent) == window:
            yield total / window


class Summary(NamedTuple):
    """What :func:`running_average` returns when it is told to stop."""

    count: int
    """How many numbers were sent before it stopped."""
    average: float | None
    """Their mean, or ``None`` when no number was sent."""


def running_average() -> Generator[float | None, float | None, Summary]:
    """A coroutine-style generator: ``send()`` it numbers, it yields the running mean.

    It must be primed with ``next()`` (or ``send(None)``) before the first number. Sending
    ``None`` afterwards ends it, and its :class:`Summary` travels out in ``StopIteration.value``.

    The mean is a plain left-to-right float sum divided by the count, not a compensated sum:
    after n values it is within about ``n * eps * mean(|x|)`` of the exact mean (``eps`` is
    ``sys.float_info.epsilon``), which is a small *relative* error only when the values do not
    cancel.

    Examples
    --------
    >>> avg = running_average()
    >>> next(avg) is None  # primed: now paused at its first yield
    True
    >>> avg.send(10)
    10.0
    >>> avg.send(20)
    15.0
    >>> try:
    ...     avg.send(None)
    ... except StopIteration as stop:
    ...     print(stop.value)
    ...
    Summary(count=2, average=15.0)
    """
    total = 0.0
    count = 0
    average: float | None = None
    while True:
        value = yield average
        if value is None:
            return Summary(count, average)
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"running_average accepts real numbers, got {type(value).__name__}")
        total += value
        count += 1
        average = total / count


def primed(
    genfunc: Callable[..., Generator[Any, Any, Any]],
) -> Callable[..., Generator[Any, Any, Any]]:
    """Decorator: call the generator function and advance it to its first ``yield``.

    Examples
    --------
    >>> avg = primed(running_average)()
    >>> avg.send(4)
    4.0
    >>> avg.send("5")
    Traceback (most recent call last):
    ...
    TypeError: running_average accepts real numbers, got str
    >>> primed(len)
    Traceback (most recent call last):
    ...
    TypeError: primed expects a generator function, got <built-in function len>
    """
    if not inspect.isgeneratorfunction(genfunc):
        raise TypeError(f"primed expects a generator function, got {genfunc!r}")

    def start(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        gen = genfunc(*args, **kwargs)
        next(gen)
        return gen

    start.__name__ = genfunc.__name__
    start.__doc__ = genfunc.__doc__
    return start


def tally() -> Generator[int, object, int]:
    """Count the values sent in; when closed, catch ``GeneratorExit`` and return the count.

    From Python 3.13 on, ``close()`` hands that return value back to the caller; before 3.13
    ``close()`` always returns ``None``.

    Examples
    --------
    >>> t = tally()
    >>> next(t)
    0
    >>> t.send("a"), t.send("b")
    (1, 2)
    """
    count = 0
    try:
        while True:
            yield count
            count += 1
    except GeneratorExit:
        return count


def _collect_into(results: dict[K, Summary], key: K) -> Generator[float | None, float | None, None]:
    # The delegating generator: send() goes straight through it to running_average, and the
    # Summary that running_average returns becomes the value of the yield-from expression.
    results[key] = yield from running_average()


def summarise_groups(groups: Mapping[K, Iterable[float]]) -> dict[K, Summary]:
    """Average each group's values by driving one :func:`running_average` per group through a
    delegating generator (``yield from``).

    Examples
    --------
    >>> summarise_groups({"a": [1, 2, 3], "b": [10]})
    {'a': Summary(count=3, average=2.0), 'b': Summary(count=1, average=10.0)}
    >>> summarise_groups({"a": [1, None]})
    Traceback (most recent call last):
    ...
    ValueError: group 'a' contains None; only numbers can be averaged
    >>> summarise_groups([1, 2])
    Traceback (most recent call last):
    ...
    TypeError: groups must be a mapping of key -> numbers, got list
    """
    if not isinstance(groups, Mapping):
        raise TypeError(f"groups must be a mapping of key -> numbers, got {type(groups).__name__}")
    results: dict[K, Summary] = {}
    for key, values in groups.items():
        collector = _collect_into(results, key)
        next(collector)
        for value in values:
            if value is None:
                raise ValueError(f"group {key!r} contains None; only numbers can be averaged")
            collector.send(value)
        try:
            collector.send(None)
        except StopIteration:
            pass
    return results


def lifecycle() -> list[tuple[str, str]]:
    """Drive a small generator through its whole life; record the state after each step.

    Returns ``(step, state)`` pairs where ``state`` is what ``inspect.getgeneratorstate``
    reports, including ``GEN_RUNNING`` observed from inside the generator itself.

    Examples
    --------
    >>> [state for step, state in lifecycle()]
    ['GEN_CREATED', 'GEN_RUNNING', 'GEN_SUSPENDED', 'GEN_RUNNING', 'GEN_SUSPENDED', 'GEN_CLOSED']
    """
    log: list[tuple[str, str]] = []

    def worker() -> Iterator[None]:
        log.append(("inside first next()", inspect.getgeneratorstate(gen)))
        yield
        log.append(("inside send()", inspect.getgeneratorstate(gen)))
        yield

    gen = worker()
    log.append(("created", inspect.getgeneratorstate(gen)))
    next(gen)
    log.append(("after next()", inspect.getgeneratorstate(gen)))
    gen.send(None)
    log.append(("after send()", inspect.getgeneratorstate(gen)))
    gen.close()
    log.append(("after close()", inspect.getgeneratorstate(gen)))
    return log


def trace_pipeline(n: int, *, lazy: bool = True) -> list[tuple[str, int]]:
    """Run a three-stage pipeline (read -> square -> sum) over ``n`` items; log each stage's work.

    With ``lazy=True`` the stages are generators and the log interleaves: each item flows
    through the whole pipeline before the next one is read. With ``lazy=False`` each stage
    builds a full list first.

    Examples
    --------
    >>> trace_pipeline(2)
    [('read', 0), ('square', 0), ('sum', 0), ('read', 1), ('square', 1), ('sum', 1)]
    >>> trace_pipeline(2, lazy=False)
    [('read', 0), ('read', 1), ('square', 0), ('square', 1), ('sum', 0), ('sum', 1)]
    """
    _check_count("n", n)
    log: list[tuple[str, int]] = []

    def read() -> Iterator[int]:
        for i in range(n):
            log.append(("read", i))
            yield i

    def square(items: Iterable[int]) -> Iterator[int]:
        for i, x in enumerate(items):
            log.append(("square", i))
            yield x * x

    stream: Iterable[int] = square(read()) if lazy else list(square(list(read())))
    for i, _ in enumerate(stream):
        log.append(("sum", i))
    return log


def peak_memory(func: Callable[[], object]) -> int:
    """Peak bytes allocated by Python while ``func()`` runs (``tracemalloc``).

    The absolute number depends on the platform and Python version; compare two calls
    instead of printing one.

    Examples
    --------
    >>> peak_memory(lambda: [0] * 100_000) > peak_memory(lambda: iter(range(100_000)))
    True

    Inside a trace that is already running, only what ``func`` allocates counts (memory
    allocated before the call is subtracted), and the trace is left running:

    >>> import tracemalloc
    >>> tracemalloc.start()
    >>> kept = [0] * 100_000
    >>> peak_memory(lambda: sum(range(1000))) < 10_000
    True
    >>> tracemalloc.is_tracing()
    True
    >>> tracemalloc.stop()
    >>> peak_memory([0] * 10)
    Traceback (most recent call last):
    ...
    TypeError: peak_memory expects a callable with no arguments, got list
    """
    if not callable(func):
        raise TypeError(
            f"peak_memory expects a callable with no arguments, got {type(func).__name__}"
        )
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        func()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        if not was_tracing:
            tracemalloc.stop()
