"""From raw articles to the stance map: segmentation, actor finding, outputs, CLI."""
from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actorstance.cli import app
from actorstance.analysis.articles import Article, read_articles, segment
from actorstance.analysis.mentions import AliasTable, find_mentions
from actorstance.analysis.analyze import analyze_articles, read_issues
from actorstance.eval.mention_recall import mention_recall
from shared_data import shared_or_skip

ARTICLE = Article("a1", "French President Emmanuel Macron met Chinese leader Xi Jinping in Paris on Monday.\n\n"
                        "He said the West does not seek regime change in Moscow. Xi, in turn, criticized the West.")


def test_segment_keeps_previous_sentence_as_context():
    sentences = segment(ARTICLE)
    assert [s.text for s in sentences] == [
        "French President Emmanuel Macron met Chinese leader Xi Jinping in Paris on Monday.",
        "He said the West does not seek regime change in Moscow.",
        "Xi, in turn, criticized the West."]
    assert sentences[1].context == sentences[0].text and sentences[0].context == ""


def test_aliases_titles_metonyms_and_pronouns():
    sentences = segment(ARTICLE)
    found = [[(m.actor, m.text) for m in ms] for ms in find_mentions(sentences, AliasTable.load())]
    assert ("Emmanuel Macron", "French President") in found[0] and ("France", "Paris") in found[0]
    assert ("Xi Jinping", "Chinese leader") in found[0]
    assert found[1][0] == ("Xi Jinping", "He")  # last person named in the previous sentence
    assert ("Russia", "Moscow") in found[1] and ("the West", "the West") in found[1]


def test_titles_need_the_name_in_the_article():
    sentences = segment(Article("a2", "The French President spoke in Lyon."))
    assert find_mentions(sentences, AliasTable.load()) == [[]]


def test_user_alias_file_extends_the_table(tmp_path):
    extra = tmp_path / "aliases.json"
    extra.write_text(json.dumps({"actors": {"Ana Silva": {"type": "person", "names": ["Ana Silva", "Silva"]}}}))
    sentences = segment(Article("a3", "Silva rejected the carbon tax."))
    assert [m.actor for m in find_mentions(sentences, AliasTable.load(extra))[0]] == ["Ana Silva"]


def test_actor_mention_recall_on_seed_articles(seed_rows):
    articles = read_articles(sorted(shared_or_skip("seeds").glob("*.txt")))
    result = mention_recall(seed_rows, articles, AliasTable.load())
    assert result.recall >= 0.9, f"recall {result.recall:.3f}; missed {result.missed[:10]}"


def test_analyze_writes_every_output(seed_model, tmp_path):
    result = analyze_articles(seed_model, [ARTICLE], ["regime change in Russia", "peace negotiations"])
    assert len(result.rows) == len(result.predictions) == 2 * sum(len(m) for m in find_mentions(segment(ARTICLE), AliasTable.load()))
    out = result.save(tmp_path / "map")
    assert {p.name for p in out.iterdir()} == {"rows.jsonl", "stances.csv", "stances.json", "heatmap.png", "network.graphml"}
    with (out / "stances.csv").open() as fh:
        table = list(csv.DictReader(fh))
    assert {(r["actor"], r["issue"]) for r in table} == {(c.actor, c.issue) for c in result.cells}
    graph = ET.parse(out / "network.graphml").getroot()
    assert graph.tag.endswith("graphml")
    assert (out / "heatmap.png").read_bytes()[:4] == b"\x89PNG"


def test_graphml_is_readable_by_networkx(seed_model, tmp_path):
    nx = pytest.importorskip("networkx")
    result = analyze_articles(seed_model, [ARTICLE], ["regime change in Russia"], min_evidence=1)
    result.save(tmp_path)
    graph = nx.read_graphml(tmp_path / "network.graphml")
    kinds = {d["kind"] for _, d in graph.nodes(data=True)}
    assert kinds <= {"actor", "issue"} and "issue" in kinds


def test_issues_from_text_file_or_dataset(tmp_path):
    path = tmp_path / "issues.txt"
    path.write_text("# issues\nNATO enlargement\n\nsanctions on Russia\n")
    assert read_issues(path) == ["NATO enlargement", "sanctions on Russia"]
    assert "NATO enlargement" in read_issues("seed_articles")


def test_cli_analyze(seed_model_dir, tmp_path):
    article = tmp_path / "story.txt"
    article.write_text(ARTICLE.text)
    issues = tmp_path / "issues.txt"
    issues.write_text("regime change in Russia\n")
    result = CliRunner().invoke(app, ["analyze", str(seed_model_dir), str(article), "--issues", str(issues),
                                      "--output", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Emmanuel Macron" in result.output and (tmp_path / "out" / "stances.json").is_file()
    missing = CliRunner().invoke(app, ["analyze", str(seed_model_dir), str(tmp_path / "nope.txt"), "--issues", str(issues),
                                       "--output", str(tmp_path / "o2")])
    assert missing.exit_code == 1 and "nope.txt: no such file" in missing.output


def test_heatmap_colours_only_cells_with_a_position():
    """A none-only cell (Putin's row in the demo map) gets no colour, however its mean
    p_favor - p_against leans; it is drawn grey. A positioned cell gets its net stance."""
    import math

    from actorstance.analysis.aggregate import StanceCell
    from actorstance.analysis.stance_map import heatmap_grid
    none_only = StanceCell("Vladimir Putin", "sanctions on Russia", counts={"favor": 0, "against": 0, "none": 3},
                           mean_probabilities={"favor": 0.30, "against": 0.05, "none": 0.65})
    positioned = StanceCell("Emmanuel Macron", "sanctions on Russia", counts={"favor": 2, "against": 0, "none": 1},
                            mean_probabilities={"favor": 0.60, "against": 0.10, "none": 0.30})
    other_issue = StanceCell("Emmanuel Macron", "peace negotiations", counts={"favor": 0, "against": 1, "none": 0},
                             mean_probabilities={"favor": 0.1, "against": 0.8, "none": 0.1})
    actors, issues, values, grey = heatmap_grid([none_only, positioned, other_issue])
    assert actors == ["Emmanuel Macron", "Vladimir Putin"] and issues == ["peace negotiations", "sanctions on Russia"]
    assert values[0][1] == pytest.approx(0.5) and values[0][0] == pytest.approx(-0.7)
    assert math.isnan(values[1][1]) and grey[1][1]  # none only: grey, no colour
    assert math.isnan(values[1][0]) and not grey[1][0]  # never found together: blank
