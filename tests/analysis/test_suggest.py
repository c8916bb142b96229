"""suggest_rows (`actorstance suggest`): the rows of a user's own articles most worth labelling, scored by a real model."""
from __future__ import annotations

import csv
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from actorstance import StanceExample
import actorstance.analysis.suggest as suggest_module
from actorstance.analysis.analyze import article_rows
from actorstance.analysis.articles import read_articles
from actorstance.analysis.suggest import Spread, select_diverse, select_random, suggest_rows as suggest, top_two_gap
from actorstance.cli import app
from actorstance.data.label_tools import TASK_COLUMNS
from actorstance.data.readers import load_examples
from actorstance.data.writers import write_examples
from actorstance.errors import ConfigError
from actorstance.model.classifier import StanceClassifier

ISSUES = ["regime change in Russia", "peace negotiations", "sanctions on Russia"]
TEXTS = {
    "a1": "French President Emmanuel Macron met Chinese leader Xi Jinping in Paris on Monday.\n\n"
          "He said the West does not seek regime change in Moscow. Xi, in turn, criticized the West.",
    "a2": "Vladimir Putin told reporters in Moscow that Russia was open to peace negotiations.\n\n"
          "Macron said Paris would keep its sanctions on Russia. The Kremlin rejected the claim.",
}


@pytest.fixture
def articles(tmp_path):
    paths = []
    for name, text in TEXTS.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_uncertainty_writes_the_closest_calls_with_every_field(seed_model_dir, articles, tmp_path):
    out = tmp_path / "to_label.csv"
    result = suggest(seed_model_dir, articles, ISSUES, out, n=5, strategy="uncertainty")
    rows, sentences = article_rows(read_articles(articles), ISSUES)
    assert (result.rows_scored, result.rows_written, result.sentences, result.articles) == (len(rows), 5, sentences, 2)
    written = read_csv(out)
    assert list(written[0]) == TASK_COLUMNS and len(written) == 5
    assert all(w["stance"] == "" and w["text"] and w["actor"] and w["issue"] and w["doc_id"] for w in written)
    # the five smallest top-two gaps of all rows, closest first; the hints are the model's own
    probs = StanceClassifier.from_pretrained(seed_model_dir).predict_proba(rows)
    gaps = top_two_gap(probs)
    by_key = {(r.text, r.actor, r.issue): g for r, g in zip(rows, gaps)}
    written_gaps = [by_key[(w["text"], w["actor"], w["issue"])] for w in written]
    assert written_gaps == sorted(written_gaps)
    assert max(written_gaps) <= np.sort(gaps)[4] + 1e-6
    for w in written:
        p = [float(w[f"p_{k}"]) for k in ("favor", "against", "none")]
        assert abs(sum(p) - 1) < 1e-3 and w["guess"] == ("favor", "against", "none")[int(np.argmax(p))]
    # unique ids of the form <doc_id>-s<sentence>-<actor>-<hash>
    assert len({w["id"] for w in written}) == 5
    assert all(re.fullmatch(r"a[12]-s\d+-[a-z0-9_]+-[0-9a-f]{10}", w["id"]) for w in written)


def test_ids_do_not_depend_on_the_order_of_the_issues(seed_model, articles, tmp_path):
    first = suggest(seed_model, articles, ISSUES, tmp_path / "a.jsonl", n=10_000, strategy="random")
    second = suggest(seed_model, articles, ISSUES[::-1], tmp_path / "b.jsonl", n=10_000, strategy="random")
    assert first.rows_written == second.rows_written == first.rows_scored
    ids = [{r.id: (r.text, r.actor, r.issue) for r in load_examples(path)} for path in (tmp_path / "a.jsonl", tmp_path / "b.jsonl")]
    assert ids[0] == ids[1] and len(ids[0]) == first.rows_scored


def test_labelled_rows_are_never_proposed_again(seed_model, articles, tmp_path):
    first = suggest(seed_model, articles, ISSUES, tmp_path / "round1.csv", n=4)
    labelled = [StanceExample(text=r.text, actor=r.actor, issue=r.issue, stance="none", id=r.id)
                for r in load_examples(tmp_path / "round1.csv")]
    write_examples(labelled, tmp_path / "labelled.jsonl")
    second = suggest(seed_model, articles, ISSUES, tmp_path / "round2.csv", n=10_000, exclude=[tmp_path / "labelled.jsonl"])
    assert second.excluded == 4 and second.rows_scored == first.rows_scored - 4
    proposed = {(r.text, r.actor, r.issue) for r in load_examples(tmp_path / "round2.csv")}
    assert proposed.isdisjoint({(r.text, r.actor, r.issue) for r in labelled})
    with pytest.raises(Exception, match="nothing to suggest: all .* rows are already in the --exclude files"):
        suggest(seed_model, articles, ISSUES, tmp_path / "round3.csv", exclude=[tmp_path / "round1.csv", tmp_path / "round2.csv"])


def row(doc, text, actor="A", issue="i"):
    return StanceExample(text=text, actor=actor, issue=issue, doc_id=doc)


def probs_with_gaps(gaps):
    """Rows whose top-two gap is each given value (favor ahead of against)."""
    return np.array([[(1 + g) / 2 - 0.0, (1 - g) / 2, 0.0] for g in gaps])


def test_diverse_spreads_over_sentences_and_skips_near_duplicates():
    rows = [row("d1", "The minister rejected the plan to raise fuel taxes next year.", "A"),          # 0 closest call
            row("d1", "The minister rejected the plan to raise fuel taxes next year.", "B"),          # 1 same sentence
            row("d2", "The minister rejected the plan to raise fuel taxes next year!", "C"),          # 2 near-duplicate
            row("d3", "Farmers in the north welcomed the new irrigation subsidies warmly.", "A"),    # 3
            row("d4", "Unions called for a general strike over the pension reform bill.", "D")]     # 4
    probs = probs_with_gaps([0.01, 0.02, 0.03, 0.4, 0.5])
    chosen, rounds = select_diverse(rows, probs, 3, Spread(article_share=1, actor_share=1, issue_share=1))
    assert chosen == [0, 3, 4] and rounds == 0  # 1: same sentence as 0; 2: cosine > 0.9 with 0
    # uncertainty alone would take the three near-identical rows
    assert list(np.argsort(top_two_gap(probs), kind="stable")[:3]) == [0, 1, 2]


def test_diverse_caps_per_article_and_relaxes_them_only_to_reach_n():
    rows = [row("d1", f"Sentence number {w} about a topic in the first story.") for w in ("one", "two", "three", "four")]
    rows += [row("d2", "An unrelated remark on weather and sport in another story.")]
    probs = probs_with_gaps([0.01, 0.02, 0.03, 0.04, 0.9])
    spread = Spread(article_share=0.5, actor_share=1, issue_share=1, max_similarity=1.01)  # cap 1 per article for n=2
    chosen, rounds = select_diverse(rows, probs, 2, spread)
    assert chosen == [0, 4] and rounds == 0  # the second story's only row, though its call is far from close
    chosen, rounds = select_diverse(rows, probs, 4, spread)  # cap 2 per article cannot give 4: doubled once
    assert chosen == [0, 1, 4, 2] and rounds == 1


def test_random_is_a_seeded_sample():
    assert select_random(50, 10, seed=3) == select_random(50, 10, seed=3)
    assert select_random(50, 10, seed=3) != select_random(50, 10, seed=4)
    assert sorted(select_random(5, 10, seed=0)) == [0, 1, 2, 3, 4]


def test_an_interrupted_suggestion_leaves_no_output(seed_model, articles, tmp_path, monkeypatch):
    calls = []
    real = suggest_module.suggestion_record

    def failing(*args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args)
    monkeypatch.setattr(suggest_module, "suggestion_record", failing)
    with pytest.raises(KeyboardInterrupt):
        suggest(seed_model, articles, ISSUES, tmp_path / "out.csv", n=5)
    assert list(tmp_path.glob("*out.csv*")) == []


def test_bad_options_are_refused(seed_model, articles, tmp_path):
    with pytest.raises(ConfigError, match="unknown strategy"):
        suggest(seed_model, articles, ISSUES, tmp_path / "x.csv", strategy="smart")
    with pytest.raises(Exception, match="unknown file type"):
        suggest(seed_model, articles, ISSUES, tmp_path / "x.xlsx")


def test_cli_suggest(seed_model_dir, articles, tmp_path):
    issues = tmp_path / "issues.txt"
    issues.write_text("\n".join(ISSUES) + "\n", encoding="utf-8")
    out = tmp_path / "to_label.csv"
    runner = CliRunner()
    result = runner.invoke(app, ["suggest", str(seed_model_dir), *map(str, articles), "--issues", str(issues),
                                 "--output", str(out), "--n", "4", "--strategy", "diverse", "--quiet"])
    assert result.exit_code == 0, result.output
    assert re.search(r"2 articles, \d+ sentences: scored \d+ rows", result.output)
    assert "wrote 4 rows to label (diverse)" in result.output
    written = read_csv(out)
    assert len(written) == 4 and len({(w["doc_id"], w["text"]) for w in written}) == 4  # one row per sentence
    result = runner.invoke(app, ["suggest", str(seed_model_dir), str(articles[0]), "--issues", str(issues),
                                 "--output", str(tmp_path / "y.csv"), "--strategy", "smart", "--quiet"])
    assert result.exit_code == 1 and result.output.strip().splitlines()[-1].startswith("error: unknown strategy")
