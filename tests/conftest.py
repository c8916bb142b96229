"""Shared fixtures. Tests never reach a network and keep Hugging Face caches in a temp folder."""
from __future__ import annotations

import os
import tempfile

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="actorstance-hf-home-"))
os.environ["TRANSFORMERS_VERBOSITY"] = "error"
os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from actorstance import StanceExample, TrainConfig, fine_tune, load_examples  # noqa: E402


@pytest.fixture(scope="session")
def seed_rows() -> list[StanceExample]:
    return load_examples("seed_articles", require_stance=True)


@pytest.fixture(scope="session")
def seed_model(seed_rows):
    """A real MiniLM fine-tuned on all seed rows until it fits them (measured: 100% training
    accuracy at 20 epochs, about 3.5 minutes on 2 CPU cores; 8 or 12 epochs left the two-actor
    sentence unlearned). Augmentation is off: this fixture checks fitting, not generality."""
    config = TrainConfig(epochs=20, learning_rate=1e-4, batch_size=16, seed=7, negative_share=0.0,
                         mention_dropout=0.0, show_progress=False)
    return fine_tune(seed_rows, config)


@pytest.fixture(scope="session")
def seed_model_dir(seed_model, tmp_path_factory) -> Path:
    return seed_model.save_pretrained(tmp_path_factory.mktemp("seed_model"))


@pytest.fixture
def small_rows() -> list[StanceExample]:
    """Twelve hand-written rows, enough for a few real training steps."""
    texts = [
        ("Ana Silva", "carbon tax", "favor", "Ana Silva said the carbon tax must pass this year."),
        ("Ana Silva", "carbon tax", "against", "Ana Silva vowed to block the carbon tax in parliament."),
        ("Ana Silva", "carbon tax", "none", "Ana Silva arrived in Lisbon on Tuesday for talks."),
        ("Tom Berg", "wind subsidies", "favor", "Tom Berg praised the wind subsidies as overdue."),
        ("Tom Berg", "wind subsidies", "against", "Tom Berg called the wind subsidies a waste of money."),
        ("Tom Berg", "wind subsidies", "none", "Tom Berg declined to comment on the weather."),
        ("Germany", "NATO enlargement", "favor", "Berlin welcomed the alliance's plan to admit new members."),
        ("Germany", "NATO enlargement", "against", "Berlin warned against admitting any new members to the alliance."),
        ("Germany", "NATO enlargement", "none", "Berlin hosted a football match on Sunday."),
        ("Lea Novak", "voter ID laws", "favor", "Lea Novak demanded that voters show an ID at the polls."),
        ("Lea Novak", "voter ID laws", "against", "Lea Novak said ID rules would shut out poor voters."),
        ("Lea Novak", "voter ID laws", "none", "Lea Novak will publish her memoir in May."),
    ]
    return [StanceExample(text=t, actor=a, issue=i, stance=s, doc_id=f"doc{n % 4}", id=f"r{n}")
            for n, (a, i, s, t) in enumerate(texts)]
