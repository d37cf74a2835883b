import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from explained.multimodal import figures
from explained.multimodal.experiments import batch_size_study, capfilt_experiment


@pytest.mark.parametrize("name", figures.__all__)
def test_every_figure_draws(name):
    fig = getattr(figures, name)()
    assert fig.axes and all(
        ax.has_data() or ax.images for ax in fig.axes if ax.get_label() != "<colorbar>"
    )
    plt.close(fig)


def test_chunk_figure_labels_every_block():
    fig = figures.plot_siglip_chunks(3)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 9 and texts.count("step 0\ndevice 0") == 1
    plt.close(fig)


def test_batch_size_study_is_deterministic_and_copied():
    a = batch_size_study((8, 16), steps=20, seeds=(0,))
    a["clip"][0] = -1.0
    b = batch_size_study((8, 16), steps=20, seeds=(0,))
    assert b["clip"][0] != -1.0 and all(0 <= x <= 1 for x in b["clip"] + b["siglip"])
    with pytest.raises(ValueError, match="batch_sizes"):
        batch_size_study((1,))


def test_capfilt_experiment_cleans_data_and_helps():
    r = capfilt_experiment(n_web=400, steps=120)
    assert r["nucleus"]["dataset_noise"] < r["web_noise"] / 2
    assert r["accuracy"]["CapFilt (nucleus)"] > r["accuracy"]["noisy web"]
    assert r["nucleus"]["distinct_captions"] > r["beam"]["distinct_captions"]
    with pytest.raises(ValueError, match="noise"):
        capfilt_experiment(noise=1.0)
