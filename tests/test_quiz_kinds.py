"""The kinds for higher-order work (case, evidence, written) headless: validation, checking,
widgets (set .value, click), static views, and self-marked scores kept apart in progress."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import ipywidgets
import pytest

from backchannels.quiz import show_question, show_quiz
from backchannels.quiz import widgets as quiz_widgets
from backchannels.quiz.bank import Evidence, Written, check_report, load_bank
from backchannels.quiz.checking import check, check_evidence, check_written, self_score
from backchannels.quiz.progress import ProgressStore, progress_overview
from backchannels.quiz.static import StaticView
from backchannels.quiz.widgets import QuizView, WrittenWidget

REPO = Path(__file__).resolve().parents[1]
KINDS = REPO / "tests" / "fixtures" / "questions" / "kinds.yml"
FACTS = {
    "The secret pledge to remove the Jupiter missiles from Turkey was kept in April 1963": "weakens",
    "A promise the public never learns of cannot cost a leader votes if it is broken": "strengthens",
    "Khrushchev announced the withdrawal from Cuba in public on 28 October": "neither",
}


def text(widget: ipywidgets.HTML) -> str:
    """Return an HTML widget's visible text."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", widget.value)).split())


@pytest.fixture(autouse=True)
def user_dir(tmp_path, monkeypatch):
    """A module data folder holding the kinds bank and the bibliography; a fresh progress folder."""
    data = tmp_path / "data"
    (data / "questions").mkdir(parents=True)
    shutil.copy(KINDS, data / "questions" / "kinds.yml")
    shutil.copy(REPO / "data" / "references.bib", data / "references.bib")
    monkeypatch.setenv("BACKCHANNELS_DATA", str(data))
    monkeypatch.setenv("BACKCHANNELS_USER_DIR", str(tmp_path / "user"))
    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(quiz_widgets, "_SCORES", {})
    return tmp_path / "user"


@pytest.fixture
def quiz() -> QuizView:
    view = show_quiz("kinds", seed=3)
    assert isinstance(view, QuizView)
    return view


def records(user_dir: Path) -> dict:
    return json.loads((user_dir / "progress.json").read_text(encoding="utf-8"))["questions"]


# ---------------------------------------------------------------- the bank format


def test_kinds_bank_passes_every_rule():
    assert check_report([KINDS]).problems == []
    bank = load_bank(KINDS)
    assert [q.kind for q in bank.questions] == ["case", "evidence", "written"]
    assert [q.id for q in bank.graded] == ["kinds_q1", "kinds_q2"]
    assert bank.question("kinds_q1").sources == ("cie_dayan_tuhami",)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("sources: [cie_dayan_tuhami]", "sources: [cie_dayan_tuhamy]",
         "source 'cie_dayan_tuhamy' is not in data/references.bib. Fix: did you mean 'cie_dayan_tuhami'?"),
        ("effect: neither", "effect: neutral", "fact 3: effect 'neutral' is not one of strengthens, weakens, neither"),
        ("effect: strengthens", "effect: weakens", None),
        ('      - "Uses a specific case"\n      - "Explains why the promise was kept or broken"\n', "",
         "the rubric has one criterion. Fix: give at least two criteria"),
        ("    model_answer:", "    model_answr:", "unknown key 'model_answr'. Fix: did you mean 'model_answer'?"),
    ],
)
def test_broken_kinds_name_the_fix(tmp_path, old, new, message):
    text_ = KINDS.read_text(encoding="utf-8")
    assert old in text_
    broken = text_.replace(old, new, 1)
    if message is None:  # every fact would then weaken the claim
        broken = broken.replace("effect: neither", "effect: weakens")
        message = "every fact has the same effect, so one guess answers them all"
    path = tmp_path / "kinds.yml"
    path.write_text(broken, encoding="utf-8")
    assert any(message in p for p in check_report([path]).problems), check_report([path]).problems


# ---------------------------------------------------------------- pure checking


def test_evidence_gives_credit_per_fact_and_explains_the_misses():
    q = load_bank(KINDS).question("kinds_q2")
    assert isinstance(q, Evidence)
    assert check_evidence(q, {}).correct is None
    wrong = dict(FACTS, **{"Khrushchev announced the withdrawal from Cuba in public on 28 October": "weakens"})
    feedback = check_evidence(q, wrong)
    assert feedback.correct is False and feedback.score == pytest.approx(2 / 3)
    assert "2 of 3 facts judged right" in feedback.message
    assert "neither strengthens nor weakens the claim. That is the public half" in feedback.message
    right = check_evidence(q, FACTS)
    assert right.correct is True and right.score == 1.0
    assert check(q, {k: "maybe" for k in FACTS}).correct is None


def test_written_is_saved_for_self_marking_never_graded():
    q = load_bank(KINDS).question("kinds_q3")
    assert isinstance(q, Written) and not q.graded and q.self_marked
    assert check_written(q, "   ").correct is None and not check_written(q, "  ").saved
    short = check_written(q, "Yes, sometimes.")
    assert short.correct is None and short.saved and "at least 20 words" in short.message
    assert self_score(q, [0, 2, 2, 7]) == (2, 3)


# ---------------------------------------------------------------- widgets, headless


def test_case_wrong_then_right(quiz, user_dir):
    q = quiz.question("kinds_q1")
    prompt = text(q.box.children[0])
    assert "Case. On 16 September 1977" in prompt and "Which kind of channel" in prompt
    q.controls.radio.value = "Mediation: the king of a third country arranged and hosted the meeting"
    q.check_button.click()
    assert "✗ Not quite — Hosting is not mediating" in text(q.feedback)
    q.retry_button.click()
    q.controls.radio.value = "A back channel: the leaders sent both men, and the talks were kept secret"
    q.check_button.click()
    assert "✓ Correct" in text(q.feedback)
    assert text(quiz.score_view) == "Lesson kinds score: 1 of 2 answered correctly"
    assert records(user_dir)["kinds_q1"]["credited"] is True


def test_evidence_partial_then_full(quiz):
    q = quiz.question("kinds_q2")
    assert "Claim: A secret promise is not credible" in text(q.box.children[0])
    q.check_button.click()
    assert "3 are still empty" in text(q.feedback)
    for fact, dropdown in q.controls.dropdowns.items():
        dropdown.value = "strengthens" if FACTS[fact] == "neither" else FACTS[fact]
    q.check_button.click()
    assert "2 of 3 facts judged right" in text(q.feedback)
    q.retry_button.click()
    for fact, dropdown in q.controls.dropdowns.items():
        dropdown.value = FACTS[fact]
    q.check_button.click()
    assert "all 3 facts judged right" in text(q.feedback)


def test_written_answer_is_self_marked_and_kept_apart(quiz, user_dir):
    q = quiz.question("kinds_q3")
    assert isinstance(q, WrittenWidget)
    q.submit_button.click()
    assert "Write your answer first" in text(q.feedback)
    assert q.marking.children == ()
    q.answer.value = (
        "Sometimes. Kennedy kept his secret promise to remove the Jupiter missiles from Turkey in "
        "1963, although breaking it would have cost him nothing at home."
    )
    q.submit_button.click()
    assert "Saved — 25 words" in text(q.feedback)
    shown = [c for c in q.marking.children]
    assert q.model_area in shown and q.save_row in shown and q.save_button in q.save_row.children
    assert "Model answer: Sometimes: Kennedy's secret Jupiter pledge" in text(q.model_area)
    assert [c.description for c in q.criteria] == [
        "Takes a position",
        "Uses a specific case",
        "Explains why the promise was kept or broken",
    ]
    q.criteria[0].value = True
    q.criteria[1].value = True
    q.save_button.click()
    assert "Your marks are saved: 2 of 3 criteria met" in text(q.marks_feedback)
    record = records(user_dir)["kinds_q3"]
    assert (record["self_score"], record["self_max"], record["self_met"]) == (2, 3, [0, 1])
    assert "credited" not in record and "result" not in record
    # The auto-graded score does not move; the overview shows the self-marked points apart.
    assert text(quiz.score_view) == "Lesson kinds score: 0 of 2 answered correctly"
    row = next(r for r in progress_overview().rows if r.lesson == "kinds")
    assert (row.answered, row.correct, row.total, row.self_marked) == (0, 0, 2, "2 of 3")
    assert ProgressStore().self_tally(["kinds_q3"]).sentence() == (
        "1 of 1 written answers self-marked: 2 of 3 criteria met"
    )
    # Coming back later shows the answer, the model answer and the ticks as left.
    again = show_question("kinds_q3").question("kinds_q3")
    assert again.answer.value.startswith("Sometimes. Kennedy")
    assert [c.value for c in again.criteria] == [True, True, False]
    assert "2 of 3 criteria met" in text(again.marks_feedback)


def test_every_new_control_has_a_label(quiz):
    evidence = quiz.question("kinds_q2")
    assert all(d.description for d in evidence.controls.dropdowns.values())
    written = quiz.question("kinds_q3")
    assert written.answer.description == "Your answer"
    assert all(c.description for c in written.criteria)


# ---------------------------------------------------------------- static views


def test_static_views_show_case_claim_rubric_and_hide_answers(monkeypatch):
    view = show_quiz("kinds", seed=3)
    plain = view.static_text
    assert "Case: On 16 September 1977" in plain
    assert "Claim: A secret promise is not credible" in plain
    assert "Khrushchev announced the withdrawal from Cuba in public on 28 October -> strengthens / weakens / neither" in plain
    assert "[ ] Uses a specific case" in plain
    assert "Written answer (self-marked)" in plain
    assert "<details><summary>Model answer (read it after writing yours)</summary>" in view.static_html
    assert "effect" not in plain and "correct" not in plain.lower().replace("incorrect", "")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    static = show_quiz("kinds", seed=3)
    assert isinstance(static, StaticView)
    assert "Question 2 of 2 — Say whether each fact strengthens or weakens the claim, or neither." in static.text


def test_a_reworded_question_restores_an_old_answer_without_error(user_dir):
    """Banks are rewritten while ids survive: an answer saved under old wording must not break."""
    store = ProgressStore()
    store.record_check("kinds_q1", "An option text that no longer exists", correct=True, score=1.0)
    store.record_check("kinds_q2", {"an old fact": "weakens"}, correct=False, score=0.0)
    store.update("kinds_q3", lambda r: r.update({"text": "old answer", "self_met": [7]}))
    view = show_quiz("kinds", seed=3)
    case = view.question("kinds_q1")
    assert case.controls.read() is None and not case.check_button.disabled
    evidence = view.question("kinds_q2")
    assert all(d.value == "" for d in evidence.controls.dropdowns.values())
    written = view.question("kinds_q3")
    assert written.answer.value == "old answer" and not any(c.value for c in written.criteria)
