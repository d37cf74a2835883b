"""Breadth-first CART growth with vectorised exact split search.

All nodes of one depth are handled together. ``members`` lists the samples still being split,
grouped node by node. Each search row holds, for every node, one of its drawn features; a single
integer sort of the keys ``node * n + rank`` (ranks from one presort of ``X``, shared by all the
trees on the same ``X``) orders every node's samples by that feature. One cumulative sum then
scores every threshold of every node, and a stable partition of ``members`` gives the next level.
The columns of ``stats`` are per-sample weighted statistics: ``w * onehot(class)`` for
classification, ``(w, w * y, w * y**2)`` for regression.

A level makes about a hundred numpy calls, most of them on small arrays in the deep levels, so
the loop calls array methods (``a.repeat(k)``, ``a.nonzero()[0]``) rather than the functions
(``np.repeat``, ``np.flatnonzero``), whose Python wrappers cost a few per cent of a tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

TREE_LEAF = -1
_INT32_LIMIT = 2**31  # index arrays and sort keys below this are int32, which sort faster
TREE_UNDEFINED = -2
_COMPACT_EVERY = 5  # predicting, rows that reached a leaf are dropped every this many levels


@dataclass
class Tree:
    """The arrays of a fitted tree, named as in scikit-learn's ``tree_``.

    Node 0 is the root; nodes are numbered breadth first. For a leaf ``children_left`` and
    ``children_right`` are -1 and ``feature`` is -2. ``value`` holds class fractions (classifier)
    or the mean target (regressor), one row per node.
    """

    children_left: np.ndarray
    children_right: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    value: np.ndarray
    impurity: np.ndarray
    n_node_samples: np.ndarray
    weighted_n_node_samples: np.ndarray

    @property
    def node_count(self) -> int:
        """Number of nodes."""
        return int(self.feature.shape[0])

    @property
    def n_leaves(self) -> int:
        """Number of leaves."""
        return int((self.children_left == TREE_LEAF).sum())

    # The depth of the deepest leaf (the root alone has depth 0): the builder knows it, and a
    # pickled tree carries it, so the process that unpickles a forest need not walk every tree.
    max_depth: int = field(repr=False, compare=False)
    # Derived once, when the tree is made (or unpickled), so that predicting never changes the
    # tree (scikit-learn's checks compare an estimator before and after predicting).
    _walk: tuple[np.ndarray, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # For apply(), which follows each row by twice its node's index, 2 * node: the feature,
        # threshold and "is inner" of every node at 2 * node, and at 2 * node + go_right twice
        # the child to go to. A leaf has feature 0 and threshold +inf (every finite value goes
        # "left") and both children itself.
        leaf = self.children_left == TREE_LEAF
        nodes = np.arange(self.node_count)
        left = np.where(leaf, nodes, self.children_left)
        right = np.where(leaf, nodes, self.children_right)
        self._walk = (
            np.repeat(np.where(leaf, 0, self.feature), 2),
            np.repeat(np.where(leaf, np.inf, self.threshold), 2),
            2 * np.column_stack([left, right]).ravel(),
            np.repeat(~leaf, 2),
        )

    def __reduce__(self) -> tuple:
        # Pickle (joblib's workers send trees back this way) only the arrays and the depth, and
        # the index arrays as int32 while they fit: the derived arrays would make a forest half
        # as large again to send, 64-bit indices a quarter, and both are quicker to redo than to
        # send. The depth saves the parent, which unpickles every tree, a walk down each tree.
        fits = self.node_count < _INT32_LIMIT and int(self.n_node_samples[0]) < _INT32_LIMIT
        arrays = tuple(
            getattr(self, name).astype(np.int32)
            if fits and name in _INDEX_FIELDS
            else getattr(self, name)
            for name in _TREE_FIELDS
        )
        return (_unpickle_tree, (self.max_depth, *arrays))

    def apply(self, X: np.ndarray) -> np.ndarray:
        """Index of the leaf each row of (validated, C-contiguous float64) ``X`` falls into.

        All rows descend one level per step, with a few whole-array gathers per step; a row is
        followed by ``2 * node``, so that adding ``go_right`` gives the entry of its child. A leaf
        points to itself and sends every (finite) value left, so a row that reached a leaf needs
        no test; such rows are dropped every ``_COMPACT_EVERY`` steps, not at every step, since
        dropping them costs about as much as one more step (a shallow tree never drops any).
        """
        n, d = X.shape
        flat = X.ravel()
        feature, threshold, child, inner = self._walk
        twice_node = np.zeros(n, dtype=np.intp)
        if self.max_depth <= _COMPACT_EVERY:
            rows, current = None, twice_node
        else:
            rows, current = np.arange(n), twice_node.copy()
        offsets = np.arange(0, n * d, d)  # where each row starts in flat
        for step in range(self.max_depth):
            if rows is not None and step and step % _COMPACT_EVERY == 0:
                twice_node[rows] = current
                going_on = inner.take(current)
                rows, current = np.compress(going_on, rows), np.compress(going_on, current)
                offsets = rows * d
            index = feature.take(current)
            index += offsets
            current += flat.take(index) > threshold.take(current)
            current = child.take(current)
        if rows is None:
            twice_node = current
        else:
            twice_node[rows] = current
        return twice_node >> 1

    def predict(self, X: np.ndarray) -> np.ndarray:
        """``value`` of the leaf each row of ``X`` falls into: (n_samples, n_outputs)."""
        return self.value.take(self.apply(X), axis=0)  # take: faster than fancy indexing

    def compute_feature_importances(self, n_features: int, normalize: bool = True) -> np.ndarray:
        """Weighted impurity decrease per feature (all zeros for a tree without a split).

        With ``normalize`` the importances sum to 1; without, each is the decrease divided by the
        root's weighted count, as scikit-learn's ``tree_.compute_feature_importances(normalize=False)``
        (the raw improvements that gradient boosting averages over its trees).
        """
        inner = np.flatnonzero(self.children_left != TREE_LEAF)
        wn = self.weighted_n_node_samples * self.impurity
        left, right = self.children_left[inner], self.children_right[inner]
        decrease = wn[inner] - wn[left] - wn[right]
        importances = np.bincount(self.feature[inner], weights=decrease, minlength=n_features)
        importances = np.maximum(importances, 0.0)
        if not normalize:
            return importances / self.weighted_n_node_samples[0]
        total = importances.sum()
        return importances / total if total > 0 else importances


_TREE_FIELDS = tuple(f.name for f in fields(Tree) if f.init and f.name != "max_depth")
_INDEX_FIELDS = ("children_left", "children_right", "feature", "n_node_samples")


def _unpickle_tree(max_depth: int, *arrays: np.ndarray) -> Tree:
    """A pickled :class:`Tree` again, its index arrays back to ``np.intp`` as scikit-learn's."""
    named = dict(zip(_TREE_FIELDS, arrays, strict=True))
    for name in _INDEX_FIELDS:
        named[name] = named[name].astype(np.intp, copy=False)
    return Tree(**named, max_depth=max_depth)


@dataclass(frozen=True)
class Presorted:
    """Every feature of ``X`` sorted once, shared by all the trees grown on the same ``X``.

    ``order[f]`` lists the rows in increasing order of feature f (ties by row index),
    ``rank[f, i]`` is the position of row i in ``order[f]`` and ``values[f]`` is feature f in that
    order. Sorting a node's rows by ``rank`` gives exactly their order in ``order[f]``.
    """

    order: np.ndarray
    rank: np.ndarray
    values: np.ndarray
    has_ties: bool  # some feature repeats a value; without ties every gap is a candidate


def presort(X: np.ndarray) -> Presorted:
    """Sort every column of (n_samples, n_features) ``X``: see :class:`Presorted`."""
    n_samples = X.shape[0]
    dtype = np.int32 if n_samples < _INT32_LIMIT else np.intp
    order = np.ascontiguousarray(np.argsort(X, axis=0, kind="stable").T, dtype=dtype)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(n_samples, dtype=dtype)[None, :], axis=1)
    values = np.take_along_axis(np.ascontiguousarray(X.T), order, axis=1)
    return Presorted(order, rank, values, bool((values[:, 1:] == values[:, :-1]).any()))


def _node_summary(
    totals: np.ndarray, criterion: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weight, value, impurity and a purity tolerance of nodes from their summed statistics."""
    if criterion == "squared_error":
        weight = totals[:, 0]
        mean = totals[:, 1] / weight
        second = totals[:, 2] / weight
        impurity = np.maximum(second - mean**2, 0.0)
        tol = 64 * np.finfo(float).eps * np.maximum(second, 1.0)
        return weight, mean[:, None], impurity, tol
    weight = totals.sum(axis=1)
    p = totals / weight[:, None]
    if criterion == "gini":
        impurity = 1.0 - (p**2).sum(axis=1)
    elif criterion == "entropy":
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
        impurity = -terms.sum(axis=1)
    else:  # "error": weighted misclassification rate
        impurity = 1.0 - p.max(axis=1)
    impurity = np.maximum(impurity, 0.0)
    return weight, p, impurity, np.full(weight.shape, 16 * np.finfo(float).eps)


def _as_pairs(z: np.ndarray) -> np.ndarray:
    """The real and imaginary parts of (contiguous, 2-D) complex ``z`` along a new axis 0, a view."""
    return z.view(np.float64).reshape(z.shape + (2,)).transpose(2, 0, 1)


def _proxy(left: np.ndarray, right: np.ndarray, criterion: str) -> np.ndarray:
    """A score that is larger for better splits (impurity decrease up to a per-node constant).

    ``left`` and ``right`` hold the children's statistics along axis 0: class weights for
    classification, ``(w, w * y)`` for regression.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        if criterion == "squared_error":
            score = np.square(left[1])
            score /= left[0]
            right_part = np.square(right[1])
            right_part /= right[0]
            score += right_part
            return score
        wl = left.sum(axis=0)
        wr = right.sum(axis=0)
        if criterion == "gini":
            return (left**2).sum(axis=0) / wl + (right**2).sum(axis=0) / wr
        if criterion == "entropy":

            def plogp(counts: np.ndarray, total: np.ndarray) -> np.ndarray:
                ratio = np.where(counts > 0, counts / total, 1.0)
                return (counts * np.log(ratio)).sum(axis=0)

            return plogp(left, wl) + plogp(right, wr)
        return left.max(axis=0) + right.max(axis=0)  # "error": weight classified correctly


def _sorted_rows(
    presorted: Presorted,
    members: np.ndarray,
    node_key: np.ndarray,
    features: np.ndarray,
    lengths: np.ndarray | None = None,
) -> np.ndarray:
    """Sort each node's members by the feature of each row: positions in the flattened
    ``presorted`` arrays, (r, m).

    ``members`` are the samples grouped node by node (``lengths`` of them per node) and
    ``node_key`` is ``node * n_samples`` for each of them. Row k sorts node j by feature
    ``features[k, j]``, or by ``features[k, 0]`` for every node when ``lengths`` is None. A key
    ``node * n_samples + rank`` orders by node, then by the feature, so one (SIMD) integer sort
    per row replaces keeping every feature's order up to date while nodes are partitioned. The
    keys have the dtype of ``node_key``: int32 while they fit, which sorts twice as fast.
    """
    n_samples = presorted.order.shape[1]
    offset = features * n_samples
    if lengths is not None:
        offset = offset.repeat(lengths, axis=1)
    keys = np.add(presorted.rank.ravel().take(offset + members), node_key, dtype=node_key.dtype)
    keys.sort(axis=1)
    keys -= node_key
    return offset + keys


def _first_draws(keys: np.ndarray, k: int) -> np.ndarray:
    """``np.sort(np.argsort(keys, axis=1)[:, :k], axis=1)``: the k features of smallest key in
    each row, in increasing order. A partition finds them about twice as fast as sorting the many
    short rows; on an (improbable) tie with the k-th key, sorting decides as before."""
    kth = np.partition(keys, k - 1, axis=1)[:, k - 1 : k]
    picked = (keys <= kth).ravel().nonzero()[0]
    if picked.size != keys.shape[0] * k:
        return np.sort(np.argsort(keys, axis=1)[:, :k], axis=1)
    return (picked % keys.shape[1]).reshape(-1, k)


def _draw_features(
    X: np.ndarray,
    members: np.ndarray,
    lengths: np.ndarray,
    permutation: np.ndarray,
    max_features: int,
    stuck: np.ndarray,
) -> np.ndarray:
    """The features each node searches, sorted: (n_nodes, r).

    Node j draws its features in the order ``permutation[j]`` (a random permutation) and keeps
    the first ``max_features``; when all of them are constant in the node (the nodes ``stuck``),
    it keeps drawing until one is not, as scikit-learn's splitter does, so that a node whose
    samples differ in some feature is never left unsplit only because the draw missed it. Nodes
    that need fewer features repeat their first one (a repeated feature scores the same, so the
    search is unchanged).
    """
    n_drawn = np.full(lengths.size, max_features)
    if stuck.size:
        in_stuck = np.zeros(lengths.size, dtype=bool)
        in_stuck[stuck] = True
        values = X.take(members.compress(in_stuck.repeat(lengths)), axis=0).T
        starts = np.concatenate(([0], np.cumsum(lengths[stuck])[:-1]))
        varies = np.maximum.reduceat(values, starts, axis=1) > np.minimum.reduceat(
            values, starts, axis=1
        )
        varies_drawn = np.take_along_axis(varies.T, permutation[stuck], axis=1)  # (node, draw)
        first_varying = np.where(varies_drawn.any(axis=1), varies_drawn.argmax(axis=1), 0)
        n_drawn[stuck] = np.maximum(max_features, first_varying + 1)
    width = int(n_drawn.max())
    drawn = permutation[:, :width].copy()
    if width > max_features:
        unused = np.arange(width)[None, :] >= n_drawn[:, None]
        drawn[unused] = np.broadcast_to(drawn[:, :1], drawn.shape)[unused]
    return np.sort(drawn, axis=1)


def grow_tree(
    X: np.ndarray,
    stats: np.ndarray,
    presorted: Presorted,
    members: np.ndarray,
    criterion: str,
    max_depth: int | None,
    min_samples_split: int,
    min_samples_leaf: int,
    max_features: int,
    rng: np.random.Generator,
    min_weight_leaf: float = 0.0,
) -> Tree:
    """Grow one tree.

    ``X`` is (n, d) float64; ``stats`` (n, c) as described in the module docstring;
    ``presorted`` is :func:`presort` of ``X``; ``members`` the samples that take part (e.g.
    positive weight) in the order of feature 0, the order in which node totals are summed. Each
    child must hold ``min_samples_leaf`` samples and a weight of at least ``min_weight_leaf``.
    """
    n_samples, n_features = X.shape
    order, x_sorted = presorted.order.ravel(), presorted.values.ravel()  # flat, for take
    depth_limit = np.inf if max_depth is None else max_depth
    subsample_features = max_features < n_features
    if criterion == "squared_error":
        # (w, w * y) as the real and imaginary parts of one complex number: one gather and one
        # cumulative sum instead of two (numpy adds both parts in one SIMD instruction), the
        # same sums to the last bit.
        search = np.empty(n_samples, dtype=complex)
        search.real, search.imag = stats[:, 0], stats[:, 1]
    else:
        search = np.ascontiguousarray(stats.T)

    features, thresholds, lefts, rights = [], [], [], []
    values, impurities, counts, weights = [], [], [], []

    next_id = 1
    lengths = np.array([members.size])
    depth = 0
    while True:  # leaves there, or no candidate node splits: see the two breaks
        n_level = lengths.size
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        totals = np.add.reduceat(stats.take(members, axis=0), starts, axis=0)
        weight, value, impurity, tol = _node_summary(totals, criterion)
        feature = np.full(n_level, TREE_UNDEFINED, dtype=np.intp)
        threshold = np.full(n_level, float(TREE_UNDEFINED))
        left_id = np.full(n_level, TREE_LEAF, dtype=np.intp)
        right_id = np.full(n_level, TREE_LEAF, dtype=np.intp)
        values.append(value)
        impurities.append(impurity)
        counts.append(lengths)
        weights.append(weight)
        features.append(feature)
        thresholds.append(threshold)
        lefts.append(left_id)
        rights.append(right_id)

        candidate = (
            (depth < depth_limit)
            & (lengths >= min_samples_split)
            & (lengths >= 2 * min_samples_leaf)
            & (impurity > tol)
            & (weight >= 2 * min_weight_leaf)
        )
        if not candidate.any():
            break
        cand_nodes = candidate.nonzero()[0]
        if cand_nodes.size < n_level:
            members = members.compress(candidate.repeat(lengths))
            lengths = lengths[cand_nodes]
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        n_cand = cand_nodes.size
        m = members.size
        ends = starts + lengths - 1
        key_type = np.int32 if n_cand * n_samples < _INT32_LIMIT else np.int64  # _sorted_rows
        node_key = (np.arange(n_cand, dtype=key_type) * n_samples).repeat(lengths)

        # Rows r of the search: feature chosen[node, r], each node's samples sorted by it.
        if subsample_features:
            keys = rng.random((n_cand, n_features))  # node j draws its features by keys[j]
            chosen = _first_draws(keys, max_features)
            positions = _sorted_rows(presorted, members, node_key, chosen.T, lengths)
            first, last = positions.take(starts, axis=1), positions.take(ends, axis=1)
            constant = x_sorted.take(last) == x_sorted.take(first)  # (r, node)
            stuck = constant.all(axis=0).nonzero()[0]
            if stuck.size:  # every drawn feature is constant there: draw on (rare)
                permutation = np.argsort(keys, axis=1)  # the order of the draws
                wider = _draw_features(X, members, lengths, permutation, max_features, stuck)
                if wider.shape != chosen.shape or (wider != chosen).any():
                    chosen = wider
                    positions = _sorted_rows(presorted, members, node_key, chosen.T, lengths)
        else:
            chosen = np.broadcast_to(np.arange(n_features), (n_cand, n_features))
            positions = _sorted_rows(presorted, members, node_key, np.arange(n_features)[:, None])
        sub_order = order.take(positions)  # the samples, each node's sorted by the row's feature
        # ``take`` rather than fancy indexing: the same values, several times faster on 2-D arrays.
        cum = search.take(sub_order, axis=-1)  # (c, r, m), or (r, m) complex
        np.cumsum(cum, axis=-1, out=cum)
        base = np.zeros(cum.shape[:-1] + (n_cand,), dtype=cum.dtype)
        base[..., 1:] = cum[..., starts[1:] - 1]
        total = cum.take(ends, axis=-1) - base
        left_stats = cum  # in place: cum is not needed any more
        left_stats -= base.repeat(lengths, axis=-1)
        right_stats = total.repeat(lengths, axis=-1)
        right_stats -= left_stats
        if criterion == "squared_error":  # (w, w * y) along axis 0 again, as views
            left_stats, right_stats = _as_pairs(left_stats), _as_pairs(right_stats)
        score = _proxy(left_stats, right_stats, criterion)
        # A split after column i needs enough samples on each side and x[i] < x[i + 1]. The
        # last column of every node (and of the array) splits nothing: it leaves nothing right.
        if min_samples_leaf == 1:
            score[:, ends] = -np.inf  # the same columns in every row: no (r, m) mask
        else:
            n_left = np.arange(1, m + 1) - starts.repeat(lengths)
            n_right = lengths.repeat(lengths) - n_left
            score[:, (n_left < min_samples_leaf) | (n_right < min_samples_leaf)] = -np.inf
        if presorted.has_ties:  # (finite) x[i] >= x[i + 1] only where a value repeats
            xs = x_sorted.take(positions)
            np.copyto(score[:, :-1], -np.inf, where=xs[:, :-1] >= xs[:, 1:])
        if min_weight_leaf > 0:
            if criterion == "squared_error":
                w_left, w_right = left_stats[0], right_stats[0]
            else:
                w_left, w_right = left_stats.sum(axis=0), right_stats.sum(axis=0)
            np.copyto(
                score, -np.inf, where=(w_left < min_weight_leaf) | (w_right < min_weight_leaf)
            )
        # Best score per node, then the first (lowest feature, lowest threshold) reaching it up to
        # rounding, so that exact ties are broken as in the textbook.
        seg_best = np.maximum.reduceat(score, starts, axis=1)  # (r, node)
        node_best = seg_best.max(axis=0)
        split_nodes = np.isfinite(node_best).nonzero()[0]
        if split_nodes.size:
            node_best = node_best[split_nodes]
            reach = node_best - 1e-12 * np.abs(node_best) - 1e-300
            best_row = (seg_best[:, split_nodes] >= reach).argmax(axis=0)
            if split_nodes.size < n_cand:
                has_split = np.zeros(n_cand, dtype=bool)
                has_split[split_nodes] = True
                columns = has_split.repeat(lengths).nonzero()[0]
            else:
                columns = np.arange(m)
            col_node = np.arange(split_nodes.size).repeat(lengths[split_nodes])
            in_best_row = best_row[col_node] * m + columns  # flat index of (best row, column)
            row_score = score.ravel().take(in_best_row)
            position = np.where(row_score >= reach[col_node], columns, m)
            sub_starts = np.concatenate(([0], np.cumsum(lengths[split_nodes])[:-1]))
            jj = np.minimum.reduceat(position, sub_starts)
            rr = best_row
            lo, hi = x_sorted.take(positions[rr, jj]), x_sorted.take(positions[rr, jj + 1])
            thr = lo / 2.0 + hi / 2.0
            bad = thr >= hi  # the midpoint of adjacent floats rounded up to hi
            thr[bad] = lo[bad]
            level_nodes = cand_nodes[split_nodes]
            split_feature = chosen[split_nodes, rr]
            feature[level_nodes] = split_feature
            threshold[level_nodes] = thr
            n_split = split_nodes.size
            left_id[level_nodes] = next_id + np.arange(n_split)
            right_id[level_nodes] = next_id + n_split + np.arange(n_split)
            next_id += 2 * n_split
            # In the split feature's sorted order a node's samples up to position jj have
            # x <= lo <= thr and the rest x >= hi > thr: they go left without reading X again.
            go_left = np.zeros(n_samples, dtype=bool)
            split_rows = sub_order.ravel().take(in_best_row)
            go_left[split_rows] = columns <= jj[col_node]
        if split_nodes.size == 0:
            break

        # Keep the samples of nodes that split, then move every node's left samples (in order)
        # to the left block and its right samples to the right block: lefts, then rights.
        if split_nodes.size < n_cand:
            does_split = np.zeros(n_cand, dtype=bool)
            does_split[split_nodes] = True
            members = members.compress(does_split.repeat(lengths))
            lengths = lengths[split_nodes]
        is_left = go_left.take(members)
        n_left_node = np.add.reduceat(is_left, np.concatenate(([0], np.cumsum(lengths)[:-1])))
        members = np.concatenate([members.compress(is_left), members.compress(~is_left)])
        lengths = np.concatenate([n_left_node, lengths - n_left_node])
        depth += 1

    return Tree(
        children_left=np.concatenate(lefts),
        children_right=np.concatenate(rights),
        feature=np.concatenate(features),
        threshold=np.concatenate(thresholds),
        value=np.concatenate(values, axis=0),
        impurity=np.concatenate(impurities),
        n_node_samples=np.concatenate(counts).astype(np.intp),
        weighted_n_node_samples=np.concatenate(weights),
        max_depth=depth,
    )
