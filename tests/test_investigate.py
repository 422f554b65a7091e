"""`fakewatch investigate` end to end: the outputs it writes, and its accuracy on the demo scenario for three seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fakewatch.cli import app
from fakewatch.evaluate import check, evaluate, line
from fakewatch.pipeline import InvestigateError, investigate

OUTPUTS = ("findings.json", "report.html", "messages.csv", "accounts.csv", "network.gexf")
DEMO_MESSAGES = 2500  # the planted campaigns are the same at every size; this adds a little chatter
THRESHOLDS = {"min_precision": 0.95, "min_recall": 0.95, "min_account_f1": 0.90, "min_seeders": 1.0,
              "min_phones": 1.0, "min_domains": 1.0, "min_impersonates": 1.0, "max_benign": 0.10}


HOSTILE = 'Все на площадь в субботу! Организатор +7 701 555 01 01 <script>alert(1)</script> <a href="javascript:x">'


def write_exports(folder: Path) -> Path:
    """Four accounts pasting one hostile announcement into five chats within minutes, amid chatter."""
    start = 1_745_000_000
    for c in range(5):
        msgs = []
        for i in range(12):
            msgs.append({"id": i + 1, "type": "message", "date": "2025-04-18T10:00:00",
                         "date_unixtime": str(start + 3600 * i + 7 * c), "from": f"Member {c}{i % 3}",
                         "from_id": f"user{100 + 10 * c + i % 3}", "text": f"обычный разговор номер {c} {i} о погоде"})
        for k in range(4):
            msgs.append({"id": 100 + k, "type": "message", "date": "2025-04-18T10:00:00",
                         "date_unixtime": str(start + 60 * (4 * c + k) + 40_000), "from": "<b>Bot</b>",
                         "from_id": f"user{900 + k}", "text": HOSTILE})
        chat = {"name": f"Город {c}", "type": "private_supergroup", "id": 5000 + c, "messages": msgs}
        (folder / f"chat{c}").mkdir(parents=True)
        (folder / f"chat{c}" / "result.json").write_text(json.dumps(chat, ensure_ascii=False), encoding="utf-8")
    return folder


def test_investigate_command_writes_every_output(tmp_path):
    out = tmp_path / "case"
    exports = write_exports(tmp_path / "exports")
    result = CliRunner().invoke(app, ["investigate", str(exports), "--out", str(out), "--redact-phones"])
    assert result.exit_code == 0, result.output
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert data["inputs"] and len(data["inputs"][0]["sha256"]) == 64
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "701 555 01 01" not in page
    again = CliRunner().invoke(app, ["investigate", str(exports), "--out", str(out)])
    assert again.exit_code == 0
    assert json.loads((out / "findings.json").read_text(encoding="utf-8"))["inputs"] == data["inputs"]


def test_refused_input_is_named_and_exits_non_zero_after_writing_everything(tmp_path):
    """Issue 15: `investigate bad/truncated.json good/` printed nothing about the bad file and exited 0."""
    from fakewatch.pipeline import latest_outputs
    from fakewatch.store import open_store

    exports = write_exports(tmp_path / "exports")
    bad = tmp_path / "bad" / "truncated.json"
    bad.parent.mkdir()
    bad.write_text('{"name": "x", "type": "private_group", "id": 1, "messages": [', encoding="utf-8")
    out = tmp_path / "case"
    result = CliRunner().invoke(app, ["investigate", str(bad), str(exports), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert f"refused {bad}: " in result.output and "1 input(s) refused" in result.output
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0
    [line] = json.loads((out / "findings.json").read_text(encoding="utf-8"))["refused"]
    assert line.startswith(f"{bad}: ")
    assert latest_outputs(open_store(f"sqlite:///{out / 'fakewatch.db'}")) == out.resolve()


def test_progress_names_each_file_and_counts_on_over_files(tmp_path):
    """Issue 15: the ingest count restarted at every file, without its name, and stages had no total."""
    seen: list[tuple[str, int, int | None]] = []
    investigate([write_exports(tmp_path / "exports")], tmp_path / "out",
                progress=lambda stage, done, total: seen.append((stage, done, total)))
    ingest = [(stage, done) for stage, done, _total in seen if stage.startswith("ingest")]
    assert {stage for stage, _ in ingest} == {"ingest · result.json"}  # five chat folders, each a result.json
    counts = [done for _, done in ingest]
    assert counts == sorted(counts) and counts[-1] == 5 * 16
    enrich = [(done, total) for stage, done, total in seen if stage == "enrich"]
    assert enrich[-1] == (80, 80)
    assert ("reports", 4, 4) in seen


def test_nothing_to_investigate_is_refused(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"name": "x", "type": "private_group", "id": 1, "messages": [', encoding="utf-8")
    with pytest.raises(InvestigateError):
        investigate([bad], tmp_path / "out")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [2025, 7, 42])
def test_accuracy_on_the_demo_scenario(tmp_path, seed):
    from fakewatch.demo import generate, inputs
    from fakewatch.demo.media import RealMedia

    with RealMedia() as media:  # as `fakewatch demo` writes it: the campaign's video and pictures as real files
        folder = generate(tmp_path / "scenario", seed=seed, messages=DEMO_MESSAGES, media=media)
    path = investigate(inputs(folder), tmp_path / "out", options={"tz": "Asia/Almaty"})
    result = evaluate(json.loads(path.read_text(encoding="utf-8")),
                      json.loads((folder / "truth.json").read_text(encoding="utf-8")))
    assert check(result, THRESHOLDS) == [], line(result)
