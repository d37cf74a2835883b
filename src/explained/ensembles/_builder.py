"""Breadth-first CART growth with vectorised exact split search.

All nodes of one depth are handled together. ``order`` holds, for every feature, the indices of the
samples still being split, grouped node by node and sorted by that feature inside each node; each
level needs only gathers, one cumulative sum and one stable partition, never a new sort. The columns
of ``stats`` are per-sample weighted statistics: ``w * onehot(class)`` for classification,
``(w, w * y, w * y**2)`` for regression.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

TREE_LEAF = -1
TREE_UNDEFINED = -2
_HEAP_DEPTH = 10  # trees at most this deep are applied in the complete-binary-tree layout


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

    _heap_cache: tuple[np.ndarray, np.ndarray, np.ndarray] | None = field(
        default=None, repr=False, compare=False
    )
    _depth_cache: int | None = field(default=None, repr=False, compare=False)

    @property
    def max_depth(self) -> int:
        """Depth of the deepest leaf (the root alone has depth 0)."""
        if self._depth_cache is None:
            depth, level = 0, np.zeros(1, dtype=np.intp)  # the nodes of one level
            while True:
                inner = level[self.children_left[level] != TREE_LEAF]
                if not inner.size:
                    break
                level = np.concatenate([self.children_left[inner], self.children_right[inner]])
                depth += 1
            self._depth_cache = depth
        return self._depth_cache

    def apply(self, X: np.ndarray) -> np.ndarray:
        """Index of the leaf each row of (validated, C-contiguous float64) ``X`` falls into.

        All rows descend one level per step. The top ``_HEAP_DEPTH`` levels are first laid out as
        a complete binary tree, children of slot i at 2i+1 and 2i+2, so that a step there is a few
        flat gathers; below, the rows that have reached a leaf are dropped after every step.
        """
        n, d = X.shape
        flat = X.ravel()
        offsets = np.arange(n) * d
        feature, threshold, node_of = self._heap()
        slot = np.zeros(n, dtype=np.intp)
        for _ in range(min(self.max_depth, _HEAP_DEPTH)):
            go_right = flat.take(offsets + feature.take(slot)) > threshold.take(slot)
            slot = 2 * slot + 1 + go_right
        node = node_of.take(slot - feature.shape[0])
        if self.max_depth <= _HEAP_DEPTH:
            return node
        rows = np.flatnonzero(self.feature.take(node) >= 0)
        current = node[rows]
        while rows.size:
            feature = self.feature.take(current)
            inner = feature >= 0
            if not inner.all():
                rows, current, feature = rows[inner], current[inner], feature[inner]
            go_left = flat.take(offsets.take(rows) + feature) <= self.threshold.take(current)
            current = np.where(
                go_left, self.children_left.take(current), self.children_right.take(current)
            )
            node[rows] = current
        return node

    def _heap(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The top of the tree as a complete binary tree of ``depth = min(max_depth, _HEAP_DEPTH)``
        levels (computed once).

        Returns the feature and threshold of the ``2**depth - 1`` inner slots and the node behind
        each of the ``2**depth`` bottom slots (a leaf, or a node at that depth). A leaf above the
        bottom becomes slots with threshold +inf, which every (finite) value passes to the left.
        """
        if self._heap_cache is None:
            depth = min(self.max_depth, _HEAP_DEPTH)
            n_inner = 2**depth - 1
            feature = np.zeros(n_inner, dtype=np.intp)
            threshold = np.full(n_inner, np.inf)
            node_of = np.zeros(n_inner + 1, dtype=np.intp)
            nodes, slots = np.zeros(1, dtype=np.intp), np.zeros(1, dtype=np.intp)
            for level in range(depth + 1):  # one level of the tree at a time
                stop = self.children_left[nodes] == TREE_LEAF
                if level == depth:
                    stop[:] = True
                bottom = (slots[stop] + 1) * 2 ** (depth - level) - 1  # leftmost slot below
                node_of[bottom - n_inner] = nodes[stop]
                nodes, slots = nodes[~stop], slots[~stop]
                feature[slots], threshold[slots] = self.feature[nodes], self.threshold[nodes]
                nodes = np.concatenate([self.children_left[nodes], self.children_right[nodes]])
                slots = np.concatenate([2 * slots + 1, 2 * slots + 2])
            self._heap_cache = (feature, threshold, node_of)
        return self._heap_cache

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


def presort(X: np.ndarray) -> np.ndarray:
    """For each feature, the row indices of ``X`` in increasing order: shape (n_features, n_samples)."""
    order = np.argsort(X, axis=0, kind="stable").T
    dtype = np.int32 if X.shape[0] < 2**31 else np.intp
    return np.ascontiguousarray(order, dtype=dtype)


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


def _proxy(left: np.ndarray, right: np.ndarray, criterion: str) -> np.ndarray:
    """A score that is larger for better splits (impurity decrease up to a per-node constant).

    ``left`` and ``right`` hold the children's statistics along axis 0: class weights for
    classification, ``(w, w * y)`` for regression.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        if criterion == "squared_error":
            return left[1] ** 2 / left[0] + right[1] ** 2 / right[0]
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


def _draw_features(
    XT: np.ndarray,
    members: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    max_features: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """The features each node searches, sorted: (n_nodes, r).

    Each node draws ``max_features`` features without replacement; when all of them are constant
    in the node, it keeps drawing (in the same random order) until one is not, as scikit-learn's
    splitter does, so that a node whose samples differ in some feature is never left unsplit
    only because the draw missed it. Nodes that need fewer features repeat their first one (a
    repeated feature scores the same, so the search is unchanged).
    """
    n_nodes, n_features = lengths.size, XT.shape[0]
    keys = rng.random((n_nodes, n_features))
    permutation = np.argsort(keys, axis=1)  # the order of the draws
    values = XT[:, members]
    varies = np.maximum.reduceat(values, starts, axis=1) > np.minimum.reduceat(
        values, starts, axis=1
    )
    varies_drawn = np.take_along_axis(varies.T, permutation, axis=1)  # (node, draw)
    first_varying = np.where(varies_drawn.any(axis=1), varies_drawn.argmax(axis=1), 0)
    n_drawn = np.maximum(max_features, first_varying + 1)
    width = int(n_drawn.max())
    drawn = permutation[:, :width].copy()
    unused = np.arange(width)[None, :] >= n_drawn[:, None]
    drawn[unused] = np.broadcast_to(drawn[:, :1], drawn.shape)[unused]
    return np.sort(drawn, axis=1)


def grow_tree(
    X: np.ndarray,
    stats: np.ndarray,
    order: np.ndarray,
    criterion: str,
    max_depth: int | None,
    min_samples_split: int,
    min_samples_leaf: int,
    max_features: int,
    rng: np.random.Generator,
    min_weight_leaf: float = 0.0,
) -> Tree:
    """Grow one tree.

    ``X`` is (n, d) float64; ``stats`` (n, c) as described in the module docstring; ``order``
    (d, m) the presorted indices of the samples that take part (e.g. positive weight), as made by
    :func:`presort` and filtered column-consistently. Each child must hold ``min_samples_leaf``
    samples and a weight of at least ``min_weight_leaf``.
    """
    n_samples, n_features = X.shape
    XT = np.ascontiguousarray(X.T)
    x_flat = XT.ravel()
    depth_limit = np.inf if max_depth is None else max_depth
    subsample_features = max_features < n_features
    if criterion == "squared_error":
        search = np.ascontiguousarray(stats[:, :2].T)
    else:
        search = np.ascontiguousarray(stats.T)

    features, thresholds, lefts, rights = [], [], [], []
    values, impurities, counts, weights = [], [], [], []

    next_id = 1
    lengths = np.array([order.shape[1]])
    depth = 0
    while True:  # leaves there, or no candidate node splits: see the two breaks
        n_level = lengths.size
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        totals = np.add.reduceat(stats[order[0]], starts, axis=0)
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
        cand_nodes = np.flatnonzero(candidate)
        if cand_nodes.size < n_level:
            order = np.compress(np.repeat(candidate, lengths), order, axis=1)
            lengths = lengths[cand_nodes]
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        n_cand = cand_nodes.size
        m = order.shape[1]
        seg = np.repeat(np.arange(n_cand), lengths)
        ends = starts + lengths - 1

        # Rows r of the search: feature chosen[node, r] for the columns of that node.
        if subsample_features:
            chosen = _draw_features(XT, order[0], starts, lengths, max_features, rng)
            row_feature = chosen[seg].T  # (r, m)
            sub_order = order[row_feature, np.arange(m)]
            xs = x_flat[row_feature * n_samples + sub_order]
        else:
            chosen = np.broadcast_to(np.arange(n_features), (n_cand, n_features))
            sub_order = order
            xs = np.take_along_axis(XT, order, axis=1)
        n_rows = sub_order.shape[0]
        cum = np.cumsum(search[:, sub_order], axis=2)  # (c, r, m)
        base = np.zeros(cum.shape[:2] + (n_cand,))
        base[:, :, 1:] = cum[:, :, starts[1:] - 1]
        total = cum[:, :, ends] - base
        left_stats = cum - base[:, :, seg]
        right_stats = total[:, :, seg] - left_stats
        score = _proxy(left_stats, right_stats, criterion)
        n_left = np.arange(1, m + 1) - starts[seg]
        count_ok = (n_left >= min_samples_leaf) & (lengths[seg] - n_left >= min_samples_leaf)
        valid = np.zeros((n_rows, m), dtype=bool)
        valid[:, :-1] = (xs[:, :-1] < xs[:, 1:]) & count_ok[:-1]
        if min_weight_leaf > 0:
            if criterion == "squared_error":
                w_left, w_right = left_stats[0], right_stats[0]
            else:
                w_left, w_right = left_stats.sum(axis=0), right_stats.sum(axis=0)
            heavy = (w_left >= min_weight_leaf) & (w_right >= min_weight_leaf)
            valid[:, :-1] &= heavy[:, :-1]
        score[~valid] = -np.inf
        # Best score per node, then the first (lowest feature, lowest threshold) reaching it up to
        # rounding, so that exact ties are broken as in the textbook.
        seg_best = np.maximum.reduceat(score, starts, axis=1)  # (r, node)
        node_best = seg_best.max(axis=0)
        split_nodes = np.flatnonzero(np.isfinite(node_best))
        if split_nodes.size:
            node_best = node_best[split_nodes]
            reach = node_best - 1e-12 * np.abs(node_best) - 1e-300
            best_row = np.argmax(seg_best[:, split_nodes] >= reach, axis=0)
            if split_nodes.size < n_cand:
                has_split = np.zeros(n_cand, dtype=bool)
                has_split[split_nodes] = True
                columns = np.flatnonzero(np.repeat(has_split, lengths))
            else:
                columns = np.arange(m)
            col_node = np.repeat(np.arange(split_nodes.size), lengths[split_nodes])
            row_score = score[best_row[col_node], columns]
            position = np.where(row_score >= reach[col_node], columns, m)
            sub_starts = np.concatenate(([0], np.cumsum(lengths[split_nodes])[:-1]))
            jj = np.minimum.reduceat(position, sub_starts)
            rr = best_row
            lo, hi = xs[rr, jj], xs[rr, jj + 1]
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
        if split_nodes.size == 0:
            break

        # Keep the columns of nodes that split, then move every node's left samples (in order)
        # to the left block and its right samples to the right block: lefts, then rights.
        if split_nodes.size < n_cand:
            does_split = np.zeros(n_cand, dtype=bool)
            does_split[split_nodes] = True
            order = np.compress(np.repeat(does_split, lengths), order, axis=1)
            lengths = lengths[split_nodes]
            seg = np.repeat(np.arange(split_nodes.size), lengths)
        go_left = np.zeros(n_samples, dtype=bool)
        members = order[0]
        go_left[members] = X[members, split_feature[seg]] <= thr[seg]
        is_left = go_left[order]
        n_left_node = np.add.reduceat(is_left[0], np.concatenate(([0], np.cumsum(lengths)[:-1])))
        # np.compress on the flat arrays is several times faster than 2-D boolean indexing.
        flat_order, flat_left = order.ravel(), is_left.ravel()
        left_part = np.compress(flat_left, flat_order).reshape(n_features, -1)
        right_part = np.compress(~flat_left, flat_order).reshape(n_features, -1)
        order = np.concatenate([left_part, right_part], axis=1)
        lengths = np.concatenate([n_left_node, lengths - n_left_node])
        depth += 1

    tree = Tree(
        children_left=np.concatenate(lefts),
        children_right=np.concatenate(rights),
        feature=np.concatenate(features),
        threshold=np.concatenate(thresholds),
        value=np.concatenate(values, axis=0),
        impurity=np.concatenate(impurities),
        n_node_samples=np.concatenate(counts).astype(np.intp),
        weighted_n_node_samples=np.concatenate(weights),
    )
    tree._heap()  # the layout predict uses, made now so that predicting changes nothing
    return tree
