import ast
import inspect

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from explained.multimodal import figures, siglip_chunk_schedule
from explained.multimodal.experiments import batch_size_study, capfilt_experiment, capfilt_study


def _drew(fig):
    assert fig.axes and all(
        ax.has_data() or ax.images for ax in fig.axes if ax.get_label() != "<colorbar>"
    )
    plt.close(fig)


def test_figures_module_only_draws():
    tree = ast.parse(inspect.getsource(figures))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0 and not (node.module or "").startswith("explained")


def test_every_figure_draws_the_data_it_is_given():
    rng = np.random.default_rng(0)
    _drew(figures.plot_similarity_matrices({"a": np.eye(3), "b": -np.eye(3)}, ["x", "y", "z"]))
    _drew(figures.plot_training_curve([3.0, 2.0, 1.0], [14.0, 13.0, 15.0], np.log(64), 64))
    scales = np.geomspace(0.1, 100, 5)
    _drew(figures.plot_loss_vs_scale(scales, {"c": scales}, np.log(8), 1 / 0.07))
    _drew(figures.plot_loss_curves({"b = 0": [3.0, 1.0]}, "step", "loss"))
    _drew(figures.plot_itm_scores(rng.random(20), rng.random(20) < 0.5, 0.5))
    study = {
        "batch_sizes": [4, 8],
        "examples": 64,
        "seeds": [0, 1],
        "mean": {"clip": [0.5, 0.6], "siglip": [0.6, 0.5]},
        "sd": {"clip": [0.1, 0.0], "siglip": [0.0, 0.1]},
    }
    _drew(figures.plot_batch_size_study(study))
    cap = {
        "seeds": [0, 1],
        "mean": {"a": 0.5, "b": 0.7},
        "sd": {"a": 0.1, "b": 0.05},
        "accuracy": {"a": [0.4, 0.6], "b": [0.65, 0.75]},
    }
    _drew(figures.plot_capfilt_study(cap, ["a", "b"]))


def test_chunk_figure_labels_every_block():
    fig = figures.plot_chunk_schedule(siglip_chunk_schedule(3))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 9 and texts.count("step 0\ndevice 0") == 1
    plt.close(fig)


def test_batch_size_study_is_deterministic_copied_and_holds_examples_fixed():
    a = batch_size_study((8, 16), examples=160, seeds=(0, 1))
    a["accuracy"]["clip"][0][0] = -1.0
    b = batch_size_study((8, 16), examples=160, seeds=(0, 1))
    assert b["accuracy"]["clip"][0][0] != -1.0
    assert [s * n for s, n in zip(b["steps"], b["batch_sizes"])] == [160, 160]
    flat = [x for loss in ("clip", "siglip") for row in b["accuracy"][loss] for x in row]
    assert all(0 <= x <= 1 for x in flat)
    assert np.allclose(b["mean"]["clip"], np.mean(b["accuracy"]["clip"], axis=1))
    with pytest.raises(ValueError, match="batch_sizes"):
        batch_size_study((1,))


def test_capfilt_experiment_cleans_data_and_helps():
    r = capfilt_experiment(n_web=400, steps=120)
    assert r["nucleus"]["dataset_noise"] < r["web_noise"] / 2
    assert r["accuracy"]["CapFilt (nucleus)"] > r["accuracy"]["noisy web"]
    assert r["nucleus"]["distinct_captions"] > r["beam"]["distinct_captions"]
    with pytest.raises(ValueError, match="noise"):
        capfilt_experiment(noise=1.0)


def test_capfilt_study_summarises_the_seeds():
    r = capfilt_study(seeds=(0, 1), n_web=200, steps=40)
    for name, values in r["accuracy"].items():
        assert r["mean"][name] == pytest.approx(np.mean(values))
        assert r["sd"][name] == pytest.approx(np.std(values, ddof=1))
    assert r["gain"]["noisy web"] == [0.0, 0.0]
    single = capfilt_study(seeds=(0,), n_web=200, steps=40)
    assert single["sd"]["noisy web"] == 0.0
    with pytest.raises(TypeError, match="seeds"):
        capfilt_study(seeds=0)
