"""`make bench-suggest MODEL=DIR`: how long `actorstance suggest` takes over 1,000 news-length articles.

The articles are made from the shipped stories (news_corpus and real_news, about 150 words each):
each article joins `--stories` stories drawn with a seed, so 5 stories give about 750 words and 30
sentences, the length of a news article. They are written as text files to a temporary folder and
`suggest` runs over them as the CLI does (read, segment, find actors, cross with the issues, score
every row, choose `--n` rows with `--strategy`), timed from the files to the written output.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from actorstance.console import quiet_libraries


def write_articles(folder: Path, count: int, stories_per_article: int, seed: int) -> tuple[list[Path], int]:
    """`count` article files, each `stories_per_article` shipped stories joined; returns the paths and words."""
    from actorstance.analysis.articles import articles_from_rows
    from actorstance.data.readers import load_examples
    rows = load_examples("news_corpus") + load_examples("real_news")
    stories = [article.text for article in articles_from_rows(rows)]
    rng = random.Random(seed)
    paths, words = [], 0
    for i in range(count):
        text = "\n\n".join(rng.sample(stories, stories_per_article))
        words += len(text.split())
        path = folder / f"article_{i:04d}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths, words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path, help="A model folder (make demo's runs/demo/model, or any `train` output).")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--stories", type=int, default=5, help="Shipped stories per article.")
    parser.add_argument("--issues", default="sanctions on Russia,NATO enlargement,a ceasefire in Ukraine,stricter asylum rules,a carbon border tax",
                        help="Comma-separated issues every (sentence, actor) is crossed with.")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--strategy", default="diverse")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    quiet_libraries()
    from actorstance.analysis.suggest import suggest_rows

    from .common import table, write_bench_json
    issues = [i.strip() for i in args.issues.split(",") if i.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-suggest-") as tmp:
        paths, words = write_articles(Path(tmp), args.articles, args.stories, args.seed)
        print(f"{len(paths)} articles, {words / len(paths):.0f} words each on average; {len(issues)} issues", flush=True)
        start = time.perf_counter()
        result = suggest_rows(args.model, paths, issues, Path(tmp) / "to_label.csv", n=args.n, strategy=args.strategy,
                              seed=args.seed, show_progress=True)
        seconds = time.perf_counter() - start
    figures = {"articles": result.articles, "words_per_article": round(words / len(paths)), "sentences": result.sentences,
               "issues": len(issues), "rows_scored": result.rows_scored, "rows_written": result.rows_written,
               "strategy": args.strategy, "seconds": round(seconds, 1), "rows_per_s": round(result.rows_scored / seconds, 1)}
    print(table([(k, v) for k, v in figures.items()], ("measure", "value")))
    print(f"\nsuggest over {result.articles} articles: {seconds / 60:.1f} minutes (target: under 20)")
    write_bench_json(figures)


if __name__ == "__main__":
    main()
