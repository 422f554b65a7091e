"""Paraphrase bench: what the word-set pass of near-duplicate clustering adds (recall) and costs (time, false joins).

Paraphrased copies: a base text's words cut into chunks of 2-5 words, the chunks
shuffled, then 30% of the words replaced by words drawn at random from the
background's vocabulary (the hard case: a synonym would keep more). Each base
gets 6 independent copies, planted among a background: the demo scenario
(20,000 messages with its campaigns, honest questions and warnings quoting
them) and the real news posts of ../shared/data/tg-news-ru (24 channels
writing about the same events in their own words). Bases: the demo's campaign
texts of 12+ words and the opening 40 words of tg-news-ru posts. Both passes
run on the templates (`fakewatch.enrich.normalize.template`) with the
defaults of `DetectParams`; "char" is the character pass alone.

Recall is the share of copy pairs of one base in one cluster; "whole" the share
of bases whose 6 copies are one cluster. False joins: background texts of
another kind than the bases (demo: not campaign messages) put in a cluster
with planted copies (the bases' own posts and their variants are rightly
there); clusters holding two bases (two variants of one campaign template
rightly are). Background
merges: background texts the word pass adds to clusters (in the demo:
benign or chatter messages joined to a cluster holding campaign messages).
Time: `near_duplicates` over the templates of the detect bench's 100k and 1M
corpora, CPU seconds, with and without the word pass.

    python bench/paraphrase_bench.py [--no-readme] [--sizes 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from readme_section import write_section  # noqa: E402

from fakewatch.detect import DetectParams  # noqa: E402
from fakewatch.detect.neardup import near_duplicates  # noqa: E402
from fakewatch.enrich.normalize import template  # noqa: E402

COPIES = 6
REPLACED = 0.3
NEWS = Path(__file__).resolve().parents[2] / "shared" / "data" / "tg-news-ru" / "raw"


def paraphrase(rng: random.Random, text: str, vocab: list[str]) -> str:
    """Word order shuffled in chunks of 2-5 words, then `REPLACED` of the words replaced by random ones."""
    words = text.split()
    chunks, k = [], 0
    while k < len(words):
        size = rng.randint(2, 5)
        chunks.append(words[k:k + size])
        k += size
    rng.shuffle(chunks)
    out = [w for c in chunks for w in c]
    for pos in rng.sample(range(len(out)), round(REPLACED * len(out))):
        out[pos] = rng.choice(vocab)
    return " ".join(out)


def demo_texts() -> list[tuple[str, str]]:
    """(text, tag) of every demo message with text: tag "campaign", "benign" or "chatter"."""
    from fakewatch.demo.scenario import build

    scenario = build(2025, 20_000)
    out = []
    for chat in scenario.chats:
        for post in scenario.posts(chat):
            if post.text and not post.deleted:
                tag = "campaign" if (post.tag or "").startswith("campaign") else (post.tag or "chatter")
                out.append((post.text, tag))
    return out


def news_texts() -> list[str]:
    if not NEWS.exists():
        return []
    return [p["text"] for f in sorted(NEWS.glob("*.json")) for p in json.loads(f.read_text(encoding="utf-8"))
            if p.get("text")]


def _params(word: bool) -> dict:
    p = DetectParams()
    return dict(threshold=p.similarity, bands=p.bands, rows=p.rows, shingle=p.shingle, exact_below=p.exact_below,
                seed=p.seed, word_threshold=p.word_similarity if word else None, word_bands=p.word_bands,
                word_rows=p.word_rows, min_words=p.min_words)


def recall(background: list[tuple[str, str]], bases: list[str], base_tag: str, seed: int = 1) -> dict:
    """Plant `COPIES` paraphrases of each base (texts tagged `base_tag` in the background) among `background`
    (text, tag); score both passes."""
    rng = random.Random(seed)
    vocab = [w for t, _ in background[:20_000] for w in t.split() if w.isalpha()]
    planted = [(paraphrase(rng, b, vocab), k) for k, b in enumerate(bases) for _ in range(COPIES)]
    texts = [template(t) for t, _ in background] + [template(t) for t, _ in planted]
    base_of = np.r_[np.full(len(background), -1), [k for _, k in planted]]
    tags = np.array([tag for _, tag in background] + ["planted"] * len(planted))
    out = {}
    labels = {}
    for name, word in (("char", False), ("char+word", True)):
        lab = near_duplicates(texts, **_params(word)).labels
        labels[name] = lab
        same = pairs = whole = 0
        for k in range(len(bases)):
            mine = lab[base_of == k]
            pairs += COPIES * (COPIES - 1) // 2
            same += sum(int(((mine == v) & (v >= 0)).sum()) * (int(((mine == v) & (v >= 0)).sum()) - 1) // 2
                        for v in set(mine.tolist()))
            whole += bool(len(set(mine.tolist())) == 1 and mine[0] >= 0)
        planted_labels = set(lab[base_of >= 0].tolist()) - {-1}
        joined = int(((base_of < 0) & (tags != base_tag) & np.isin(lab, list(planted_labels))).sum())
        mixed = sum(len(set(base_of[(lab == v) & (base_of >= 0)].tolist())) > 1 for v in planted_labels)
        out[name] = {"pair_recall": round(same / pairs, 3), "whole": f"{whole}/{len(bases)}",
                     "background_joined": joined, "clusters_with_two_bases": int(mixed)}
    bg = base_of < 0
    newly = bg & (labels["char+word"] >= 0) & (labels["char"] < 0)
    campaign_labels = set(labels["char+word"][bg & (tags == "campaign")].tolist()) - {-1}
    crossed = bg & (tags != "campaign") & np.isin(labels["char+word"], list(campaign_labels))
    crossed_before = bg & (tags != "campaign") & np.isin(
        labels["char"], list(set(labels["char"][bg & (tags == "campaign")].tolist()) - {-1}))
    out["background_newly_clustered"] = int(newly.sum())
    out["non_campaign_with_campaign"] = {"char": int(crossed_before.sum()), "char+word": int(crossed.sum())}
    out["bases"], out["background"] = len(bases), len(background)
    return out


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timing(n: int) -> dict:
    from detect_bench import corpus

    texts = [r[3] for r in corpus(n)["rows"]]
    out = {"messages": n}
    for name, word in (("char", False), ("char+word", True)):
        began, cpu = time.perf_counter(), _cpu()
        nd = near_duplicates(texts, **_params(word))
        out[name] = {"wall_s": round(time.perf_counter() - began, 2), "cpu_s": round(_cpu() - cpu, 2),
                     "clustered": int((nd.labels >= 0).sum())}
    return out


def section(fig: dict) -> str:
    rows = []
    for corpus_name, r in fig["recall"].items():
        for name in ("char", "char+word"):
            x = r[name]
            rows.append(f"| {corpus_name} | {name} | {x['pair_recall']} | {x['whole']} | {x['background_joined']} | "
                        f"{x['clusters_with_two_bases']} |")
    times = "\n".join(f"| {t['messages']:,} | {t['char']['cpu_s']} | {t['char+word']['cpu_s']} | "
                      f"{t['char']['wall_s']} | {t['char+word']['wall_s']} |" for t in fig["timing"])
    demo = fig["recall"].get("demo", {})
    news = fig["recall"].get("tg-news-ru", {})
    return (
        "## Paraphrases\n\n"
        "`python bench/paraphrase_bench.py`: near-duplicate clustering with and without the word-set pass "
        "(`DetectParams.word_similarity` over content words, `min_words` per text) on paraphrased copies: a base "
        "text's words cut into chunks of 2-5, the chunks shuffled, 30% of the words replaced by random words of the "
        f"background; {COPIES} copies per base planted among the demo scenario (20,000 messages) or the real posts of "
        "tg-news-ru. Pair recall = copy pairs of one base in one cluster; whole = bases whose copies are one "
        "cluster; foreign joined = background texts that are not campaign messages (demo) in a cluster with "
        "planted copies (for tg-news-ru every post is of the bases' kind, so it is 0 by construction).\n\n"
        "| background | passes | pair recall | whole | foreign joined | clusters with two bases |\n"
        "| --- | --- | ---: | ---: | ---: | ---: |\n" + "\n".join(rows) + "\n\n"
        f"Background texts the word pass adds to clusters: demo {demo.get('background_newly_clustered')}, "
        f"tg-news-ru {news.get('background_newly_clustered')}. Demo messages that are not campaign messages "
        "(benign alerts, questions and warnings quoting the fakes, chatter) in a cluster holding campaign messages: "
        f"{demo.get('non_campaign_with_campaign', {}).get('char')} with the character pass, "
        f"{demo.get('non_campaign_with_campaign', {}).get('char+word')} with both.\n\n"
        "The demo's campaign texts are chat-length (median 7 content words, under the 8 the pass needs once the "
        "corpus's common words are dropped), so their paraphrases are left to co-activity, which reads no text; "
        "news-length texts are where the word pass pays. The \"foreign joined\" demo messages share words with the "
        "replacements, which this bench draws from the demo itself.\n\n"
        "Cost of the word pass, `near_duplicates` over the detect bench corpora (random Zipf words, 5-25 per "
        f"message), 2-core machine shared with other work (load average {fig['load']:.1f}):\n\n"
        "| messages | CPU s char | CPU s char+word | wall s char | wall s char+word |\n"
        "| ---: | ---: | ---: | ---: | ---: |\n" + times + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    demo = demo_texts()
    news = news_texts()
    rng = random.Random(0)
    demo_bases = sorted({t for t, tag in demo if tag == "campaign" and len(t.split()) >= 12})
    fig = {"recall": {"demo": recall(demo, rng.sample(demo_bases, min(100, len(demo_bases))), "campaign")}}
    if news:
        news_bases = [" ".join(t.split()[:40]) for t in rng.sample(news, 100)]
        fig["recall"]["tg-news-ru"] = recall([(t, "news") for t in news], news_bases, "news")
    fig["timing"] = [timing(n) for n in args.sizes]
    fig["load"] = os.getloadavg()[0]
    print(json.dumps(fig, indent=2))
    if not args.no_readme:
        write_section("Paraphrases", section(fig))


if __name__ == "__main__":
    main()
