"""Exercise widgets driven through the real ipywidgets API: set values, click, read the text."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import ipywidgets
import pytest
from ipywidgets.widgets import widget as widget_registry

from backchannels.quiz import show_question, show_quiz, show_score
from backchannels.quiz import widgets as quiz_widgets
from backchannels.quiz.bank import load_bank
from backchannels.quiz.progress import ProgressStore, ProgressWarning, progress_overview
from backchannels.quiz.widgets import QuestionWidget, QuizView, build_quiz

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "tests" / "fixtures" / "questions" / "demo.yml"


def text(widget: ipywidgets.HTML) -> str:
    """Return an HTML widget's visible text."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", widget.value)).split())


@pytest.fixture(autouse=True)
def user_dir(tmp_path, monkeypatch):
    """Give each test its own progress folder and a module data folder holding the demo bank."""
    data = tmp_path / "data"
    (data / "questions").mkdir(parents=True)
    shutil.copy(DEMO, data / "questions" / "demo.yml")
    shutil.copy(REPO / "data" / "questions" / "00.yml", data / "questions" / "00.yml")
    monkeypatch.setenv("BACKCHANNELS_DATA", str(data))
    monkeypatch.setenv("BACKCHANNELS_USER_DIR", str(tmp_path / "user"))
    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(quiz_widgets, "_SCORES", {})
    return tmp_path / "user"


@pytest.fixture
def quiz() -> QuizView:
    view = show_quiz("demo", seed=7)
    assert isinstance(view, QuizView)
    return view


def progress_file(user_dir: Path) -> dict:
    return json.loads((user_dir / "progress.json").read_text(encoding="utf-8"))


def answer_single(q, right):
    q.controls.radio.value = (
        "Secret talks between two governments' authorised envoys"
        if right
        else "A televised summit of the two leaders"
    )


def answer_multiple(q, right):
    for box in q.controls.boxes:
        box.value = box.description in (
            {"Authorised officials", "Secrecy"} if right else {"A neutral venue"}
        )


def answer_true_false(q, right):
    q.controls.radio.value = not right


def answer_matching(q, right):
    matches = {
        "Back channel": "Authorised officials talking in secret",
        "Track-two diplomacy": "Unofficial experts exploring ideas",
        "Mediation": "A third party helps the sides talk",
    }
    if not right:
        matches["Mediation"] = "A trade agreement ratified by parliament"
    for left, dropdown in q.controls.dropdowns.items():
        dropdown.value = matches[left]


def answer_ordering(q, right):
    order = {
        "The Cuban Missile Crisis": 1,
        "Kissinger's secret trip to Beijing": 2,
        "The Oslo Accords are signed": 3,
        "The Good Friday Agreement": 4,
    }
    if not right:
        order["The Oslo Accords are signed"], order["The Good Friday Agreement"] = 4, 3
    for item, dropdown in q.controls.dropdowns.items():
        dropdown.value = order[item]


def answer_numeric(q, right):
    q.controls.text.value = " 1962 " if right else "1961"


def answer_short_text(q, right):
    q.controls.text.value = "  OSLO " if right else "Stockholm"


def answer_scenario(q, right):
    q.controls.verdict.value = "track_two" if right else "back_channel"
    q.controls.reason.value = "The participants hold no office and cannot commit their governments"


CASES = [
    ("demo_q1", answer_single, "That is open summitry", "Yes: official, authorised, and secret."),
    (
        "demo_q2",
        answer_multiple,
        "you ticked 0 of the 2 right options and 1 that does not apply",
        "you ticked all 2 right options",
    ),
    (
        "demo_q3",
        answer_true_false,
        "No: they hold no office",
        "Right: unofficial participants make it track two.",
    ),
    (
        "demo_q4",
        answer_matching,
        "2 of 3 matches are right. Look again at: “Mediation”",
        "all 3 matches are right",
    ),
    ("demo_q5", answer_ordering, "2 of 4 are in the right place", "all 4 are in the right order"),
    ("demo_q6", answer_numeric, "1961 is not the answer", "1962."),
    ("demo_q7", answer_short_text, "“Stockholm” is not one of the answers we accept", "Oslo."),
    (
        "demo_q8",
        answer_scenario,
        "that reason is right, but it leads to a different verdict",
        "Track two, and for the right reason.",
    ),
]


@pytest.mark.parametrize(("question_id", "answer", "wrong_says", "right_says"), CASES)
def test_wrong_then_right(quiz, user_dir, question_id, answer, wrong_says, right_says):
    q = quiz.question(question_id)
    assert q.reveal_button.disabled and q.retry_button.disabled and not q.check_button.disabled
    answer(q, right=False)
    q.check_button.click()
    assert text(q.feedback).startswith("✗ Not quite —")
    assert wrong_says in text(q.feedback)
    assert q.check_button.disabled and not q.retry_button.disabled and not q.reveal_button.disabled
    assert text(quiz.score_view) == "Lesson demo score: 0 of 8 answered correctly"

    q.retry_button.click()
    assert text(q.feedback) == "" and not q.check_button.disabled
    answer(q, right=True)
    q.check_button.click()
    assert text(q.feedback).startswith("✓ Correct —")
    assert right_says in text(q.feedback)
    assert q.check_button.disabled and q.reveal_button.disabled
    assert text(quiz.score_view) == "Lesson demo score: 1 of 8 answered correctly"
    record = progress_file(user_dir)["questions"][question_id]
    assert (record["tries"], record["wrong"], record["credited"], record["result"]) == (
        2,
        1,
        True,
        "correct",
    )


def test_score_counts_several_questions(quiz):
    for question_id, answer, *_ in CASES[:3]:
        q = quiz.question(question_id)
        answer(q, right=True)
        q.check_button.click()
    assert text(quiz.score_view) == "Lesson demo score: 3 of 8 answered correctly"


def test_controls_lock_after_check_and_try_again_keeps_the_answer(quiz):
    q = quiz.question("demo_q6")
    answer_numeric(q, right=False)
    q.check_button.click()
    assert q.controls.text.disabled
    q.check_button.click()  # a disabled button does nothing, even when clicked from Python
    q.retry_button.click()
    assert not q.controls.text.disabled and q.controls.text.value == "1961"


@pytest.mark.parametrize(
    ("question_id", "setter", "says"),
    [
        ("demo_q1", lambda q: None, "Nothing selected yet"),
        ("demo_q2", lambda q: None, "Nothing ticked yet"),
        ("demo_q4", lambda q: None, "3 are still empty"),
        (
            "demo_q5",
            lambda q: [setattr(d, "value", 1) for d in q.controls.dropdowns.values()],
            "Position 1 is given to more than one item",
        ),
        (
            "demo_q6",
            lambda q: setattr(q.controls.text, "value", "nineteen sixty"),
            "is not a number we can read",
        ),
        ("demo_q6", lambda q: setattr(q.controls.text, "value", "   "), "Type a number first"),
        (
            "demo_q7",
            lambda q: setattr(q.controls.text, "value", "x" * 10_000),
            "much longer than a short answer",
        ),
        ("demo_q8", lambda q: setattr(q.controls.verdict, "value", "open"), "choose the reason"),
    ],
)
def test_bad_input_gets_a_message_and_is_not_a_try(quiz, user_dir, question_id, setter, says):
    q = quiz.question(question_id)
    setter(q)
    q.check_button.click()
    assert says in text(q.feedback)
    assert "✗" not in text(q.feedback) and "Traceback" not in q.feedback.value
    assert not q.check_button.disabled and q.reveal_button.disabled
    assert not (user_dir / "progress.json").exists()


def test_reveal_only_after_a_wrong_try_and_then_no_credit(quiz, user_dir):
    q = quiz.question("demo_q1")
    q.reveal_button.click()
    assert text(q.answer_area) == "", "reveal must do nothing before a wrong try"
    answer_single(q, right=False)
    q.check_button.click()
    q.reveal_button.click()
    assert "Answer: Secret talks between two governments' authorised envoys" in text(q.answer_area)
    assert "Official, authorised and secret" in text(q.answer_area)
    assert q.reveal_button.disabled
    q.retry_button.click()
    answer_single(q, right=True)
    q.check_button.click()
    assert text(q.feedback).startswith("✓ Correct —")
    assert "does not add to your score" in text(q.feedback)
    assert text(quiz.score_view) == "Lesson demo score: 0 of 8 answered correctly"
    assert progress_file(user_dir)["questions"]["demo_q1"]["revealed"] is True


def test_hint_shows_and_hides(quiz, user_dir):
    q = quiz.question("demo_q6")
    q.hint_button.click()
    assert text(q.hint_area) == "Hint: Early in the 1960s."
    assert q.hint_button.description == "Hide hint"
    q.hint_button.click()
    assert text(q.hint_area) == "" and q.hint_button.description == "Show hint"
    assert progress_file(user_dir)["questions"]["demo_q6"]["hints"] == 1


def test_reflection_is_saved_kept_and_not_scored(quiz, user_dir, monkeypatch):
    q = quiz.question("demo_q9")
    assert q.check_button.description == "Save"
    q.controls.text.value = "Secrecy protects fragile talks. " * 3
    q.check_button.click()
    assert text(q.feedback).startswith("Saved — 12 words.")
    assert "at least 20 words" in text(q.feedback)
    assert text(quiz.score_view).endswith("0 of 8 answered correctly")
    monkeypatch.setattr(quiz_widgets, "_SCORES", {})
    again = show_quiz("demo", seed=7).question("demo_q9")
    assert again.controls.text.value == "Secrecy protects fragile talks. " * 3


def test_progress_survives_a_restart(user_dir, monkeypatch):
    first = show_quiz("demo", seed=7)
    answer_single(first.question("demo_q1"), right=True)
    first.question("demo_q1").check_button.click()
    answer_numeric(first.question("demo_q6"), right=False)
    first.question("demo_q6").check_button.click()

    monkeypatch.setattr(quiz_widgets, "_SCORES", {})  # a new kernel: nothing shared in memory
    second = show_quiz("demo", seed=7)
    assert text(second.score_view) == "Lesson demo score: 1 of 8 answered correctly"
    q1, q6 = second.question("demo_q1"), second.question("demo_q6")
    assert q1.controls.radio.value == "Secret talks between two governments' authorised envoys"
    assert text(q1.feedback).startswith("✓ Correct —") and q1.controls.radio.disabled
    assert q6.controls.text.value == "1961" and "1961 is not the answer" in text(q6.feedback)
    assert not q6.reveal_button.disabled and not q6.retry_button.disabled
    q6.retry_button.click()
    answer_numeric(q6, right=True)
    q6.check_button.click()
    assert text(second.score_view) == "Lesson demo score: 2 of 8 answered correctly"


def test_corrupted_progress_file_is_kept_and_replaced(user_dir):
    user_dir.mkdir(parents=True)
    (user_dir / "progress.json").write_text('{"questions": {"demo_q1": ', encoding="utf-8")
    with pytest.warns(
        ProgressWarning, match="was damaged: it is not valid JSON .* kept as progress.json.corrupt-"
    ):
        view = show_quiz("demo", seed=7)
    backups = list(user_dir.glob("progress.json.corrupt-*"))
    assert (
        len(backups) == 1 and backups[0].read_text(encoding="utf-8") == '{"questions": {"demo_q1": '
    )
    q = view.question("demo_q1")
    answer_single(q, right=True)
    q.check_button.click()
    assert progress_file(user_dir)["questions"]["demo_q1"]["credited"] is True


@pytest.mark.parametrize("content", ['["a list"]', '{"questions": {"demo_q1": 3}}', "\udcff"])
def test_other_damage_starts_fresh_too(user_dir, content):
    user_dir.mkdir(parents=True)
    (user_dir / "progress.json").write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.warns(ProgressWarning):
        assert ProgressStore().records() == {}


def test_two_notebooks_at_once_keep_both_answers(user_dir):
    left, right = build_quiz(load_bank("demo"), seed=7), build_quiz(load_bank("demo"), seed=7)
    answer_single(left.question("demo_q1"), right=True)
    answer_numeric(right.question("demo_q6"), right=True)
    left.question("demo_q1").check_button.click()
    right.question("demo_q6").check_button.click()
    assert set(progress_file(user_dir)["questions"]) == {"demo_q1", "demo_q6"}
    assert not list(user_dir.glob(".progress-*.tmp")), "no temporary file left behind"


def test_unwritable_folder_keeps_progress_in_memory(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    store = ProgressStore(blocker / "progress.json")
    with pytest.warns(ProgressWarning, match="could not be saved"):
        store.record_check("demo_q1", "x", correct=True, score=1.0)
    assert store.tally(["demo_q1"]).correct == 1


def test_show_question_updates_the_lesson_score_shown_elsewhere():
    one = show_question("demo_q7", seed=7)
    score = show_score("demo")
    assert [q.question.id for q in one.questions] == ["demo_q7"]
    q = one.question("demo_q7")
    answer_short_text(q, right=True)
    q.check_button.click()
    assert (
        text(one.score_view)
        == text(score.score_view)
        == "Lesson demo score: 1 of 8 answered correctly"
    )


def test_progress_overview_lists_every_lesson():
    view = show_quiz("00")
    q = view.question("00_q3")
    q.controls.radio.value = False
    q.check_button.click()
    rows = {r.lesson: r for r in progress_overview().rows}
    assert (rows["00"].answered, rows["00"].correct, rows["00"].total) == (1, 1, 6)
    assert (rows["demo"].answered, rows["demo"].correct, rows["demo"].total) == (0, 0, 8)
    table = progress_overview()
    assert "<caption>Your progress" in table._repr_html_() and "Start here" in repr(table)


def test_every_control_has_a_label(quiz):
    for q in quiz.questions:
        for control in q.controls.children:
            assert control.description.strip(), (
                f"{q.question.id}: {type(control).__name__} has no label"
            )
        for button in (q.check_button, q.hint_button, q.retry_button, q.reveal_button):
            assert button.description and button.tooltip


def test_feedback_is_words_not_only_colour(quiz):
    q = quiz.question("demo_q3")
    answer_true_false(q, right=False)
    q.check_button.click()
    assert 'role="alert"' in q.feedback.value and "Not quite" in text(q.feedback)


def order_for(user: str, monkeypatch) -> list[str]:
    monkeypatch.setenv("JUPYTERHUB_USER", user)
    q = QuestionWidget(
        load_bank("demo").question("demo_q5"), load_bank("demo"), store=ProgressStore()
    )
    return list(q.controls.dropdowns)


def test_order_is_stable_per_student_and_differs_across_a_class(monkeypatch):
    assert order_for("ada", monkeypatch) == order_for("ada", monkeypatch)
    orders = {tuple(order_for(f"student{n}", monkeypatch)) for n in range(12)}
    assert len(orders) > 3
    correct = (
        "The Cuban Missile Crisis",
        "Kissinger's secret trip to Beijing",
        "The Oslo Accords are signed",
        "The Good Friday Agreement",
    )
    assert correct not in orders, "an ordering question must never be shown in its answer order"


def test_seed_argument_fixes_the_order(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    a = [c for _, c in show_quiz("demo", seed=1).question("demo_q1").controls.radio.options]
    monkeypatch.setenv("JUPYTERHUB_USER", "bob")
    b = [c for _, c in show_quiz("demo", seed=1).question("demo_q1").controls.radio.options]
    assert a == b


def test_mimebundle_has_widget_and_readable_text(quiz):
    bundle = quiz._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == quiz.widget.model_id
    for needle in (
        "Which of these is a back channel?",
        "A televised summit of the two leaders",
        "Kissinger&#x27;s secret trip to Beijing",
        "Verdict:",
    ):
        assert needle in bundle["text/html"]
    assert "Is secrecy in diplomacy ever justified?" in bundle["text/plain"]
    assert "correct" not in bundle["text/html"].lower(), "the static text must not give the answers"


def test_display_emits_the_widget_and_a_static_companion(quiz):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as captured:
        quiz._ipython_display_()
    first, second = captured.outputs
    assert "application/vnd.jupyter.widget-view+json" in first.data
    assert 'class="bc-static-companion"' in second.data["text/html"]
    assert ".jp-OutputArea-child:has(.bc-static-companion)" in quiz.widget.children[0].value


def test_nbgrader_execution_shows_static_text_only(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    from ipywidgets.widgets.widget import _instances  # the registry of live widgets

    before = len(_instances)
    for view in (show_quiz("demo"), show_question("demo_q2"), show_score("demo")):
        assert not isinstance(view, QuizView)
        assert "application/vnd.jupyter.widget-view+json" not in view._repr_mimebundle_()
    assert "Tick every feature" in show_question("demo_q2")._repr_mimebundle_()["text/plain"]
    assert len(_instances) == before, "no widget may be created under nbgrader"


def _models() -> set[str]:
    """Return the ids of every widget model the kernel holds now."""
    return set(widget_registry._instances)


def test_questions_share_layout_and_style_models():
    # Every model is a message to the page; issue 11 measured ~40 ms of kernel time per question.
    show_question("demo_q1", seed=1)  # the shared models exist from here on
    before = _models()
    show_question("demo_q1", seed=1)
    view_models = _models() - before
    # prompt, radios, 4 buttons, button row, 3 message areas, question box, quiz box, score line
    assert len(view_models) <= 13, len(view_models)
    types = {type(widget_registry._instances[m]).__name__ for m in view_models}
    assert not types & {"Layout", "DescriptionStyle", "ButtonStyle", "HTMLStyle"}, types
