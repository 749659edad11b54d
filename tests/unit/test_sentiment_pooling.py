"""Mean pooling: one unit vector per text, padding ignored."""

import torch

from ml.sentiment.encoder import mean_pool


def test_pooling_gives_one_unit_vector_per_text():
    hidden = torch.randn(4, 7, 384)
    mask = torch.ones(4, 7, dtype=torch.long)
    pooled = mean_pool(hidden, mask)
    assert pooled.shape == (4, 384)
    assert torch.allclose(pooled.norm(dim=1), torch.ones(4), atol=1e-5)


def test_padded_positions_do_not_change_the_embedding():
    hidden = torch.randn(1, 5, 8)
    mask = torch.tensor([[1, 1, 1, 0, 0]])
    changed = hidden.clone()
    changed[0, 3:] = 100.0  # garbage where the mask is 0
    assert torch.allclose(mean_pool(hidden, mask), mean_pool(changed, mask))
    expected = torch.nn.functional.normalize(hidden[0, :3].mean(dim=0), dim=0)
    assert torch.allclose(mean_pool(hidden, mask)[0], expected, atol=1e-6)
