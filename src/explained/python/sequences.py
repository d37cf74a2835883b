"""How a CPython ``list`` grows, measured from the outside.

A list object is a fixed-size header plus a separately allocated array of pointers to its
elements. The array is over-allocated: it usually has room for more pointers than the list has
elements, so that most ``append`` calls only write one pointer. ``sys.getsizeof`` reports the
header plus the whole array, so the number of slots (the *capacity*) can be read back as::

    capacity = (sys.getsizeof(lst) - sys.getsizeof([])) // pointer_size

because an empty list created by ``[]`` has no array at all.

The functions here measure capacities on the running interpreter, and state CPython's
over-allocation rule (``Objects/listobject.c``, ``list_resize``, CPython 3.9 and later) so that
the measurement can be compared with it.
"""

from __future__ import annotations

import itertools
import struct
import sys

__all__ = [
    "copies_during_growth",
    "copies_per_append",
    "growth_ratios",
    "growth_steps",
    "list_capacity",
    "one_slot_steps",
    "pointer_size",
    "predicted_growth_steps",
    "resize_target",
]


def pointer_size() -> int:
    """Size in bytes of one C pointer (one slot of a list's array) on this interpreter.

    Examples
    --------
    >>> pointer_size() in (4, 8)
    True
    """
    return struct.calcsize("P")


def list_capacity(lst: list) -> int:
    """Number of element slots allocated for ``lst``, measured with ``sys.getsizeof``.

    Parameters
    ----------
    lst : list
        An object of exactly type ``list`` (a subclass has a larger header and is refused).

    Returns
    -------
    int
        The capacity, always ``>= len(lst)``.

    Examples
    --------
    >>> list_capacity([])
    0
    >>> lst = []
    >>> lst.append("a")
    >>> list_capacity(lst) >= len(lst)
    True
    >>> list_capacity((1, 2))
    Traceback (most recent call last):
    ...
    TypeError: list_capacity expects an object of exactly type list, got tuple
    """
    if type(lst) is not list:
        raise TypeError(
            f"list_capacity expects an object of exactly type list, got {type(lst).__name__}"
        )
    extra = sys.getsizeof(lst) - sys.getsizeof([])
    return extra // pointer_size()


def _check_count(n: object, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"{name} must be >= 0, got {n}")
    return n


def growth_steps(n: int) -> list[tuple[int, int]]:
    """Append ``n`` items to an empty list and record every change of capacity.

    Parameters
    ----------
    n : int
        Number of ``append`` calls, ``>= 0``.

    Returns
    -------
    list of (length, capacity)
        One pair per resize: the list's length right after the append that resized it, and
        the new capacity. Measured on the running interpreter.

    Examples
    --------
    >>> steps = growth_steps(100)
    >>> steps[0][0]      # the first append allocates
    1
    >>> all(cap >= length for length, cap in steps)
    True
    >>> len(steps) < 100  # far fewer resizes than appends
    True
    >>> growth_steps(-1)
    Traceback (most recent call last):
    ...
    ValueError: n must be >= 0, got -1
    >>> growth_steps(2.0)
    Traceback (most recent call last):
    ...
    TypeError: n must be an int, got float
    """
    n = _check_count(n)
    lst: list[int] = []
    steps: list[tuple[int, int]] = []
    last = list_capacity(lst)  # the empty list owns no array yet
    for i in range(n):
        lst.append(i)
        cap = list_capacity(lst)
        if cap != last:
            steps.append((len(lst), cap))
            last = cap
    return steps


def resize_target(newsize: int, oldsize: int) -> int:
    """CPython's over-allocation rule: the capacity ``list_resize`` picks for ``newsize``.

    This is the rule of ``Objects/listobject.c`` since CPython 3.9::

        new_allocated = (newsize + (newsize >> 3) + 6) & ~3
        if newsize - oldsize > new_allocated - newsize:   # a big jump, e.g. extend()
            new_allocated = (newsize + 3) & ~3
        if newsize == 0:
            new_allocated = 0

    It is only applied when the current array is too small (or less than half used).

    Parameters
    ----------
    newsize : int
        The length the list is about to have, ``>= 0``.
    oldsize : int
        Its current length, ``>= 0``.

    Examples
    --------
    >>> resize_target(1, 0)
    4
    >>> resize_target(5, 4)
    8
    >>> resize_target(100, 0)   # a jump: no extra slack beyond rounding to 4
    100
    >>> resize_target(8, 4)     # growing by exactly the slack (4) is not yet a jump
    12
    >>> resize_target(0, 4)     # clear(): the array is freed
    0
    """
    newsize = _check_count(newsize, "newsize")
    oldsize = _check_count(oldsize, "oldsize")
    if newsize == 0:
        return 0
    new_allocated = (newsize + (newsize >> 3) + 6) & ~3
    if newsize - oldsize > new_allocated - newsize:
        new_allocated = (newsize + 3) & ~3
    return new_allocated


def predicted_growth_steps(n: int) -> list[tuple[int, int]]:
    """The steps :func:`growth_steps` should find, computed from :func:`resize_target`.

    Examples
    --------
    >>> predicted_growth_steps(20)
    [(1, 4), (5, 8), (9, 16), (17, 24)]

    The ``n``-th append itself counts: the 17th append is the one that resizes.

    >>> [len(predicted_growth_steps(n)) for n in (16, 17)]
    [3, 4]
    """
    n = _check_count(n)
    allocated = 0
    steps: list[tuple[int, int]] = []
    for newsize in range(1, n + 1):
        # list_resize also shrinks an array less than half used; appends never trigger that,
        # so while growing the array is resized exactly when it is full.
        if newsize > allocated:
            allocated = resize_target(newsize, newsize - 1)
            steps.append((newsize, allocated))
    return steps


def growth_ratios(steps: list[tuple[int, int]]) -> list[float]:
    """Ratio of each capacity to the previous one.

    Parameters
    ----------
    steps : list of (length, capacity)
        As returned by :func:`growth_steps`; capacities must be positive and increasing.

    Examples
    --------
    >>> growth_ratios([(1, 4), (5, 8), (9, 16)])
    [2.0, 2.0]

    The textbook doubling policy, starting from a capacity of 1, has ratio 2 throughout:

    >>> growth_ratios([(1, 1), (2, 2), (3, 4), (5, 8)])
    [2.0, 2.0, 2.0]
    >>> growth_ratios([(1, 0)])
    Traceback (most recent call last):
    ...
    ValueError: capacities must be positive
    >>> growth_ratios([(1, 8), (5, 4)])
    Traceback (most recent call last):
    ...
    ValueError: capacities must be strictly increasing, as growth_steps returns them
    >>> growth_ratios([(1, 4), (2, 4)])  # the same capacity twice is not a second resize
    Traceback (most recent call last):
    ...
    ValueError: capacities must be strictly increasing, as growth_steps returns them
    """
    caps = [cap for _, cap in steps]
    if any(c <= 0 for c in caps):
        raise ValueError("capacities must be positive")
    if any(b <= a for a, b in itertools.pairwise(caps)):
        raise ValueError("capacities must be strictly increasing, as growth_steps returns them")
    return [b / a for a, b in itertools.pairwise(caps)]


def copies_during_growth(steps: list[tuple[int, int]]) -> int:
    """Worst-case number of pointer copies made by the resizes in ``steps``.

    Each resize may move the existing elements to a new array: ``length - 1`` pointers
    (the new element is written after the move). Dividing by the number of appends gives the
    amortised cost per append.

    Examples
    --------
    >>> copies_during_growth([(1, 4), (5, 8), (9, 16)])
    12

    A full array (capacity equal to length) is allowed: the doubling policy from capacity 1
    copies 0 + 1 + 2 + 4 pointers to reach 5 items.

    >>> copies_during_growth([(1, 1), (2, 2), (3, 4), (5, 8)])
    7
    >>> copies_during_growth([(5, 4)])
    Traceback (most recent call last):
    ...
    ValueError: each step must be (length >= 1, capacity >= length), got (5, 4)
    """
    for length, cap in steps:
        if length < 1 or cap < length:
            raise ValueError(
                f"each step must be (length >= 1, capacity >= length), got {(length, cap)}"
            )
    return sum(length - 1 for length, _ in steps)


def copies_per_append(steps: list[tuple[int, int]], n: int) -> float:
    """Worst-case pointer copies per append while a list grows to ``n`` items under ``steps``.

    The resizes that happen up to the ``n``-th append (``length <= n``) are counted with
    :func:`copies_during_growth` and divided by ``n``: the amortised cost of one append.

    Parameters
    ----------
    steps : list of (length, capacity)
        A growth policy's resizes, e.g. :func:`growth_steps` (measured) or
        :func:`one_slot_steps`; they must cover ``n``: the last capacity is ``>= n``.
    n : int
        Number of appends, ``>= 1``.

    Examples
    --------
    Growing by one slot copies 0 + 1 + ... + (n - 1) pointers, (n - 1) / 2 per append:

    >>> copies_per_append(one_slot_steps(10), 10)
    4.5
    >>> copies_per_append([(1, 4), (5, 8), (9, 16)], 10)
    1.2
    >>> copies_per_append([(1, 4), (5, 8)], 10)
    Traceback (most recent call last):
    ...
    ValueError: steps end at capacity 8, so they do not cover n = 10 appends
    >>> copies_per_append([(1, 4)], 0)
    Traceback (most recent call last):
    ...
    ValueError: n must be >= 1, got 0
    """
    n = _check_count(n)
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    last = max((cap for _, cap in steps), default=0)
    if last < n:
        raise ValueError(f"steps end at capacity {last}, so they do not cover n = {n} appends")
    return copies_during_growth([s for s in steps if s[0] <= n]) / n


def one_slot_steps(n: int) -> list[tuple[int, int]]:
    """The resizes of the naive policy that grows the array by exactly one slot per append.

    Examples
    --------
    >>> one_slot_steps(3)
    [(1, 1), (2, 2), (3, 3)]
    >>> copies_during_growth(one_slot_steps(4))   # 0 + 1 + 2 + 3
    6
    """
    n = _check_count(n)
    return [(k, k) for k in range(1, n + 1)]
