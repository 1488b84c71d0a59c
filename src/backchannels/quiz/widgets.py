"""Exercise widgets: each question becomes ipywidgets controls wired to checking and progress.

Every question shows its prompt, labelled controls, and the buttons Check, Show hint, Try again
and Reveal answer (enabled only after a wrong try). Feedback is text that starts with "✓ Correct
—" or "✗ Not quite —"; colour only repeats it. After a graded Check the controls lock; Try
again unlocks them with the answer kept, so one change is one keystroke away. Keyboard focus
moves to the next useful button, because a disabled button drops focus.

Displaying a ``QuizView`` emits two outputs: the widget and a static companion (the questions
as HTML and text). The widget carries a style that hides the companion, so a live notebook
shows only the widget, while an export or viewer that cannot draw widgets shows the text.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import ipywidgets as widgets

# Style classes that ipywidgets does not export at the top level:
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from backchannels.quiz.bank import (
    Bank,
    CaseApplication,
    Evidence,
    Matching,
    MultipleSelect,
    Numeric,
    Ordering,
    Question,
    Reflection,
    Scenario,
    ShortText,
    SingleChoice,
    TrueFalse,
    Written,
)
from backchannels.quiz.checking import Feedback, answer_text, check, self_score
from backchannels.quiz.order import (
    event_order,
    fact_order,
    option_order,
    reason_order,
    right_choices,
)
from backchannels.quiz.progress import ProgressStore
from backchannels.quiz.static import (
    INSTRUCTIONS,
    StaticView,
    heading,
    markdown_html,
    questions_html,
    questions_text,
    quiz_title_html,
    stem_html,
)

log = logging.getLogger(__name__)

# Scoped to our classes; the last rule hides the static companion wherever a widget is drawn.
STYLE = """<style>
.bc-quiz { max-width: 56em; }
.bc-question { border: 1px solid var(--jp-border-color2, #c8c8c8); border-radius: 6px;
  padding: 6px 14px 10px; margin: 8px 0; }
.bc-question .widget-html-content { line-height: 1.45; }
.bc-question .bc-head { color: var(--jp-ui-font-color2, #555); font-size: 0.92em;
  margin: 2px 0 -4px; }
.bc-question .widget-radio-box label, .bc-question .widget-label-basic span,
.bc-question .widget-label { white-space: normal; overflow: visible; text-overflow: clip;
  height: auto; line-height: 1.35; }
.bc-question .widget-radio-box label { padding: 3px 0; }
.bc-question .widget-inline-hbox { height: auto; min-height: var(--jp-widgets-inline-height, 28px);
  align-items: center; }
.bc-question .widget-checkbox { width: auto; }
.bc-question .widget-dropdown > .widget-label { text-align: left; }
/* A locked answer must stay legible: ipywidgets fades disabled inputs to 60%. */
.bc-question .widget-dropdown > select:disabled, .bc-question .widget-text input:disabled,
.bc-question .widget-textarea textarea:disabled { opacity: 1; color: var(--jp-ui-font-color1, #222);
  background: var(--jp-layout-color2, #eee); }
.bc-question .widget-radio-box input:disabled,
.bc-question .widget-checkbox input:disabled { opacity: 0.9; }
.bc-question .bc-buttons { margin-top: 6px; }
.bc-question textarea { font-family: var(--jp-content-font-family, sans-serif); line-height: 1.4; }
.bc-question .jupyter-button { width: auto; padding: 0 14px; }
.bc-question .jupyter-button:focus-visible { outline: 2px solid var(--jp-brand-color1, #1976d2);
  outline-offset: 2px; }
/* A message area takes no room until it has something to say. */
.bc-message:has(> .widget-html-content:empty) { display: none; }
.bc-feedback, .bc-hint, .bc-answer { padding: 4px 10px; border-left: 4px solid; margin: 2px 0; }
.bc-feedback p, .bc-hint p, .bc-answer p { margin: 4px 0; }
.bc-feedback-right { border-color: #2e7d32; background: rgba(46, 125, 50, 0.07); }
.bc-feedback-wrong { border-color: #c62828; background: rgba(198, 40, 40, 0.06); }
.bc-feedback-info, .bc-hint { border-color: #757575; }
.bc-answer { border-color: #1565c0; background: rgba(21, 101, 192, 0.06); }
.bc-case, .bc-claim { border-left: 4px solid #8d6e63; margin: 6px 0; padding: 2px 10px; }
.bc-question .widget-checkbox label, .bc-question .widget-checkbox span { white-space: normal; }
.bc-score { font-size: 1.05em; padding: 4px 0; }
.jp-OutputArea-child:has(.bc-static-companion),
.output_area:has(.bc-static-companion) { display: none; }
</style>"""

FULL = widgets.Layout(width="100%")
# Each widget otherwise gets its own layout and style models, each one more message to the page;
# widgets whose look never changes share these, which cuts the models per question by half or more.
PLAIN = widgets.Layout()
AUTO_WIDTH = widgets.Layout(width="auto")
ROW_WIDTH = widgets.Layout(width="100%", max_width="46em")
BUTTON_STYLE = widgets.ButtonStyle()
HTML_STYLE = HTMLStyle()
CHECKBOX_STYLE = CheckboxStyle()
TEXT_STYLE = TextStyle(description_width="initial")


@functools.cache
def _label_style(width: str) -> DescriptionStyle:
    """Return the one shared description style of a given label width."""
    return DescriptionStyle(description_width=width)


LABEL_INITIAL = _label_style("initial")


def _html_widget(value: str = "", layout: widgets.Layout | None = None) -> widgets.HTML:
    """Return an HTML widget that shares its style (and, unless given one, its layout)."""
    return widgets.HTML(value, layout=layout or PLAIN, style=HTML_STYLE)


class Controls(Protocol):
    """What the question widget needs from one type's controls."""

    children: list[widgets.Widget]

    def read(self) -> Any:
        """Return the answer the controls hold now, in checking's shape."""

    def write(self, answer: Any) -> None:
        """Put a saved answer back (ignoring one that no longer fits)."""

    def lock(self, locked: bool) -> None:
        """Disable or enable the controls."""

    def focus(self) -> bool:
        """Move keyboard focus to the first control; False if the control cannot take it."""


def _radios(description: str, options: Sequence[tuple[str, Any]]) -> widgets.RadioButtons:
    """Return unselected radio buttons with a visible group label."""
    return widgets.RadioButtons(
        options=list(options),
        value=None,
        description=description,
        style=LABEL_INITIAL,
        layout=AUTO_WIDTH,
    )


class ChoiceControls:
    """Radio buttons for single_choice and true_false."""

    def __init__(self, options: Sequence[tuple[str, Any]]) -> None:
        self.radio = _radios("Answer", options)
        self.children: list[widgets.Widget] = [self.radio]

    def read(self) -> Any:
        return self.radio.value

    def write(self, answer: Any) -> None:
        if answer in [value for _, value in self.radio.options]:
            self.radio.value = answer

    def lock(self, locked: bool) -> None:
        self.radio.disabled = locked

    def focus(self) -> bool:
        return False  # ipywidgets focuses the radio's label, which cannot hold focus


class MultipleControls:
    """One labelled checkbox per option for multiple_select."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.boxes = [
            widgets.Checkbox(value=False, description=t, indent=False, layout=FULL, style=CHECKBOX_STYLE)
            for t in texts
        ]
        self.children: list[widgets.Widget] = list(self.boxes)

    def read(self) -> list[str]:
        return [box.description for box in self.boxes if box.value]

    def write(self, answer: Any) -> None:
        chosen = set(answer) if isinstance(answer, list) else set()
        for box in self.boxes:
            box.value = box.description in chosen

    def lock(self, locked: bool) -> None:
        for box in self.boxes:
            box.disabled = locked

    def focus(self) -> bool:
        self.boxes[0].focus()
        return True


class DropdownRows:
    """One labelled dropdown per row: a match (matching) or a position (ordering)."""

    def __init__(
        self,
        labels: Sequence[str],
        options: Sequence[tuple[str, Any]],
        empty: Any,
        label_width: str,
    ) -> None:
        self.empty = empty
        self.dropdowns = {
            label: widgets.Dropdown(
                options=list(options),
                value=empty,
                description=label,
                style=_label_style(label_width),
                layout=ROW_WIDTH,
            )
            for label in labels
        }
        self.children: list[widgets.Widget] = list(self.dropdowns.values())

    def read(self) -> dict[str, Any]:
        return {
            label: (None if d.value == self.empty else d.value)
            for label, d in self.dropdowns.items()
        }

    def write(self, answer: Any) -> None:
        if not isinstance(answer, dict):
            return
        for label, dropdown in self.dropdowns.items():
            value = answer.get(label)
            if value in [v for _, v in dropdown.options]:
                dropdown.value = value

    def lock(self, locked: bool) -> None:
        for dropdown in self.dropdowns.values():
            dropdown.disabled = locked

    def focus(self) -> bool:
        next(iter(self.dropdowns.values())).focus()
        return True


class TextControls:
    """A labelled text box for numeric, short_text and reflection answers."""

    def __init__(self, box: widgets.Text | widgets.Textarea) -> None:
        self.text = box
        self.children: list[widgets.Widget] = [box]

    def read(self) -> str:
        return self.text.value

    def write(self, answer: Any) -> None:
        if isinstance(answer, str):
            self.text.value = answer

    def lock(self, locked: bool) -> None:
        self.text.disabled = locked

    def focus(self) -> bool:
        self.text.focus()
        return True


class ScenarioControls:
    """Verdict radios and reason radios."""

    def __init__(self, verdicts: Sequence[tuple[str, str]], reasons: Sequence[str]) -> None:
        self.verdict = _radios("Verdict", verdicts)
        self.reason = _radios("Reason", [(r, r) for r in reasons])
        self.children: list[widgets.Widget] = [self.verdict, self.reason]

    def read(self) -> tuple[str | None, str | None]:
        return self.verdict.value, self.reason.value

    def write(self, answer: Any) -> None:
        if isinstance(answer, list) and len(answer) == 2:
            for radio, value in zip((self.verdict, self.reason), answer):
                if value in [v for _, v in radio.options]:
                    radio.value = value

    def lock(self, locked: bool) -> None:
        self.verdict.disabled = self.reason.disabled = locked

    def focus(self) -> bool:
        return False


def make_controls(q: Question, seed: int | None) -> Controls:
    """Return the controls for a question's type, in the student's shuffled order."""
    if isinstance(q, SingleChoice):
        return ChoiceControls([(o.text, o.text) for o in option_order(q, seed)])
    if isinstance(q, TrueFalse):
        return ChoiceControls([("True", True), ("False", False)])
    if isinstance(q, CaseApplication):
        return ChoiceControls([(o.text, o.text) for o in option_order(q, seed)])  # type: ignore[arg-type]
    if isinstance(q, Evidence):
        effects = [("— choose —", ""), ("strengthens", "strengthens"), ("weakens", "weakens"),
                   ("neither", "neither")]
        return DropdownRows([f.text for f in fact_order(q, seed)], effects, "", "66%")
    if isinstance(q, MultipleSelect):
        return MultipleControls([o.text for o in option_order(q, seed)])
    if isinstance(q, Matching):
        choices = [("— choose —", "")] + [(c, c) for c in right_choices(q, seed)]
        return DropdownRows([p.left for p in q.pairs], choices, "", "50%")
    if isinstance(q, Ordering):
        positions = [("—", 0)] + [(str(n), n) for n in range(1, len(q.items) + 1)]
        return DropdownRows([e.text for e in event_order(q, seed)], positions, 0, "78%")
    if isinstance(q, Numeric):
        label = f"Answer ({q.unit})" if q.unit else "Answer"
        return TextControls(
            widgets.Text(
                description=label,
                placeholder="a number, in digits",
                style=TEXT_STYLE,
                layout=PLAIN,
            )
        )
    if isinstance(q, ShortText):
        return TextControls(
            widgets.Text(
                description="Answer",
                placeholder="a word or short phrase",
                style=TEXT_STYLE,
                layout=PLAIN,
            )
        )
    if isinstance(q, Scenario):
        return ScenarioControls(
            [(v.label, v.id) for v in q.verdicts], [o.text for o in reason_order(q, seed)]
        )
    if isinstance(q, Reflection):
        return TextControls(
            widgets.Textarea(
                description="Your reflection",
                rows=6,
                layout=FULL,
                style=TEXT_STYLE,
            )
        )
    raise TypeError(f"no controls for {type(q).__name__}")


def _box_html(css: str, markdown: str) -> str:
    """Return Markdown rendered inside a styled box; role=alert so screen readers announce it."""
    return f'<div class="{css}" role="alert">{markdown_html(markdown)}</div>'


def _message_area() -> widgets.HTML:
    """Return an HTML widget that takes no room while it is empty (three per question).

    The stylesheet hides it while empty, so showing a message is one change, not two, and the
    area needs no layout model of its own.
    """
    area = _html_widget()
    area.add_class("bc-message")
    return area


def feedback_html(feedback: Feedback) -> str:
    """Return feedback as HTML whose words, not only its colour, say right or wrong."""
    kind = {True: "right", False: "wrong", None: "info"}[feedback.correct]
    return _box_html(f"bc-feedback bc-feedback-{kind}", feedback.message)


class LessonScore:
    """A lesson's live score line ('3 of 8 answered correctly'), shared by all its views."""

    def __init__(self, bank: Bank, store: ProgressStore) -> None:
        self.bank = bank
        self.store = store
        self.views: list[widgets.HTML] = []

    def sentence(self) -> str:
        """Return the current score as a sentence."""
        return self.store.tally(q.id for q in self.bank.graded).sentence()

    def view(self) -> widgets.HTML:
        """Return a new score widget that refresh() keeps up to date."""
        view = _html_widget(self._html())
        view.add_class("bc-score")
        self.views = [v for v in self.views if v.comm is not None] + [view]  # drop closed views
        return view

    def refresh(self) -> None:
        """Update every score widget of this lesson."""
        text = self._html()
        for view in self.views:
            view.value = text

    def _html(self) -> str:
        return (
            f'<div role="status"><strong>Lesson {html.escape(self.bank.lesson)} score:</strong> '
            f"{self.sentence()}</div>"
        )


_SCORES: dict[tuple[str, Path], LessonScore] = {}


def lesson_score(bank: Bank, store: ProgressStore) -> LessonScore:
    """Return the lesson's shared score, so every view of a lesson updates together."""
    key = (str(store.path) if store.path else f"memory:{id(store)}", bank.path.resolve())
    score = _SCORES.get(key)
    if score is None or score.bank is not bank:
        score = _SCORES[key] = LessonScore(bank, store)
    return score


def _safe(handler: Callable[[QuestionWidget], None]) -> Callable[[QuestionWidget, Any], None]:
    """Wrap a button handler so a bug shows a short message, not a traceback, to the student."""

    def run(self: QuestionWidget, _button: Any = None) -> None:
        try:
            handler(self)
        except Exception:
            log.exception("quiz widget failed on question %s", self.question.id)
            self.feedback.value = _box_html(
                "bc-feedback bc-feedback-info",
                "Something went wrong here — your answer is not lost. Run the cell again; "
                "if it keeps happening, tell your lecturer.",
            )

    run.__doc__ = handler.__doc__
    return run


class QuestionWidget:
    """One question: prompt, controls, buttons and feedback, saved as the student goes."""

    def __init__(
        self,
        question: Question,
        bank: Bank,
        *,
        store: ProgressStore,
        score: LessonScore | None = None,
        seed: int | None = None,
    ) -> None:
        self.question = question
        self.bank = bank
        self.store = store
        self.score = score
        self.controls = make_controls(question, seed)
        reflection = isinstance(question, Reflection)
        self.check_button = self._button(
            "Save" if reflection else "Check",
            "Save your reflection" if reflection else "Check your answer",
            "primary",
        )
        self.hint_button = self._button("Show hint", "Show a hint for this question")
        self.retry_button = self._button("Try again", "Change your answer and check again")
        self.reveal_button = self._button("Reveal answer", "Show the answer (after a wrong try)")
        self.hint_button.disabled = not question.hint
        self.hint_area = _message_area()
        self.feedback = _message_area()
        self.answer_area = _message_area()
        buttons = [self.check_button]
        buttons += [self.hint_button] if question.hint else []
        buttons += [] if reflection else [self.retry_button, self.reveal_button]
        button_row = widgets.HBox(buttons, layout=PLAIN)
        button_row.add_class("bc-buttons")
        self.box = widgets.VBox(
            [
                self._prompt(),
                *self.controls.children,
                button_row,
                self.hint_area,
                self.feedback,
                self.answer_area,
            ],
            layout=FULL,
        )
        self.box.add_class("bc-question")
        self.check_button.on_click(self._on_check)
        self.hint_button.on_click(self._on_hint)
        self.retry_button.on_click(self._on_retry)
        self.reveal_button.on_click(self._on_reveal)
        self._set_state("open", can_reveal=False)
        self._restore()

    @staticmethod
    def _button(label: str, tooltip: str, style: str = "") -> widgets.Button:
        """Return a labelled button whose tooltip says what it does."""
        return widgets.Button(description=label, tooltip=tooltip, button_style=style, layout=PLAIN,
                              style=BUTTON_STYLE)

    def _prompt(self) -> widgets.HTML:
        """Return the heading, instruction, prompt and (for scenarios) the scenario."""
        q = self.question
        graded = [g.id for g in self.bank.graded]
        number = graded.index(q.id) + 1 if q.id in graded else 0
        head = f"{heading(q, number, len(graded))} — {INSTRUCTIONS[q.kind]}"
        scenario = (
            f"<blockquote>{markdown_html(q.scenario)}</blockquote>"
            if isinstance(q, Scenario)
            else ""
        )
        return _html_widget(
            f'<p class="bc-head">{html.escape(head)}</p>{stem_html(q)}{markdown_html(q.prompt)}'
            f"{scenario}"
        )

    # ------------------------------------------------------------ state

    def _set_state(self, state: str, *, can_reveal: bool) -> None:
        """Enable the controls and buttons for 'open', 'wrong' or 'right'."""
        self.state = state
        self.controls.lock(state != "open")
        self.check_button.disabled = state != "open"
        self.retry_button.disabled = state == "open"
        self.reveal_button.disabled = not can_reveal or state == "right"

    def _can_reveal(self, record: dict[str, Any]) -> bool:
        """Return True once a wrong try was made and the answer is not shown yet."""
        return bool(record.get("wrong")) and not record.get("revealed")

    def _restore(self) -> None:
        """Show the saved answer and its result, as if the student had never left."""
        record = self.store.record(self.question.id)
        if isinstance(self.question, Reflection):
            if record.get("text"):
                self.controls.write(record["text"])
                self.feedback.value = feedback_html(check(self.question, record["text"]))
            return
        if "answer" in record:
            self.controls.write(record["answer"])
        if record.get("result"):
            feedback = check(self.question, self.controls.read())
            if feedback.correct is not None:
                self.feedback.value = feedback_html(feedback)
                self._set_state(
                    "right" if feedback.correct else "wrong", can_reveal=self._can_reveal(record)
                )
        if record.get("revealed"):
            self.answer_area.value = _box_html("bc-answer", answer_text(self.question))
        elif record.get("wrong") and self.state == "open":
            self._set_state("open", can_reveal=True)

    # ------------------------------------------------------------ buttons

    @_safe
    def _on_check(self) -> None:
        """Check (or, for a reflection, save) the answer and show the feedback."""
        if self.check_button.disabled:
            return
        answer = self.controls.read()
        feedback = check(self.question, answer)
        if feedback.saved:
            self.store.record_reflection(self.question.id, answer)
        if feedback.correct is None:
            self.feedback.value = feedback_html(feedback)
            return
        record = self.store.record_check(
            self.question.id, answer, correct=feedback.correct, score=feedback.score
        )
        if feedback.correct and not record.get("credited"):
            feedback = Feedback(
                True,
                feedback.message + "\n\n(The answer was revealed before, so this one "
                "does not add to your score.)",
            )
        # Buttons first, feedback next: when the words appear, the buttons already match them.
        self._set_state(
            "right" if feedback.correct else "wrong", can_reveal=self._can_reveal(record)
        )
        self.feedback.value = feedback_html(feedback)
        self.retry_button.focus()
        if self.score:
            self.score.refresh()

    @_safe
    def _on_hint(self) -> None:
        """Show or hide the hint."""
        if self.hint_button.disabled:
            return
        if self.hint_area.value:
            self.hint_area.value = ""
            self.hint_button.description = "Show hint"
            return
        self.hint_area.value = _box_html("bc-hint", f"**Hint:** {self.question.hint}")
        self.hint_button.description = "Hide hint"
        self.store.record_hint(self.question.id)

    @_safe
    def _on_retry(self) -> None:
        """Unlock the controls, keeping the answer, and clear the feedback."""
        if self.retry_button.disabled:
            return
        self.feedback.value = ""
        self._set_state("open", can_reveal=self._can_reveal(self.store.record(self.question.id)))
        if not self.controls.focus():
            self.check_button.focus()

    @_safe
    def _on_reveal(self) -> None:
        """Show the answer and its explanation (only offered after a wrong try)."""
        if self.reveal_button.disabled:
            return
        self.store.record_reveal(self.question.id)
        self.answer_area.value = _box_html("bc-answer", answer_text(self.question))
        self.reveal_button.disabled = True
        (self.check_button if self.state == "open" else self.retry_button).focus()
        if self.score:
            self.score.refresh()


class WrittenWidget:
    """A written answer the student marks: write, submit, read the model answer, tick the rubric.

    The ticks are saved as a self-assessed score (criteria met of criteria possible), kept apart
    from the lesson's auto-graded score.
    """

    def __init__(self, question: Written, bank: Bank, *, store: ProgressStore) -> None:
        self.question = question
        self.bank = bank
        self.store = store
        self.answer = widgets.Textarea(
            description="Your answer", rows=7, layout=FULL, style=TEXT_STYLE
        )
        self.submit_button = QuestionWidget._button(
            "Submit", "Submit your answer, then see the model answer and rubric", "primary"
        )
        self.hint_button = QuestionWidget._button("Show hint", "Show a hint for this question")
        self.hint_button.disabled = not question.hint
        self.criteria = [
            widgets.Checkbox(value=False, description=c, indent=False, layout=FULL,
                             style=CHECKBOX_STYLE)
            for c in question.rubric
        ]
        self.save_button = QuestionWidget._button(
            "Save my marks", "Save the criteria your answer meets", "primary"
        )
        self.hint_area = _message_area()
        self.feedback = _message_area()
        self.model_area = _message_area()
        self.marks_feedback = _message_area()
        self.marking = widgets.VBox([], layout=FULL)
        self.marking.add_class("bc-marking")
        self.save_row = widgets.HBox([self.save_button], layout=PLAIN)
        self.save_row.add_class("bc-buttons")
        buttons = [self.submit_button] + ([self.hint_button] if question.hint else [])
        row = widgets.HBox(buttons, layout=PLAIN)
        row.add_class("bc-buttons")
        self.box = widgets.VBox(
            [self._prompt(), self.answer, row, self.hint_area, self.feedback, self.marking],
            layout=FULL,
        )
        self.box.add_class("bc-question")
        self.submit_button.on_click(self._on_submit)
        self.hint_button.on_click(self._on_hint)
        self.save_button.on_click(self._on_save)
        self._restore()

    def _prompt(self) -> widgets.HTML:
        """Return the heading, instruction, case and prompt."""
        q = self.question
        head = f"{heading(q, 0, 0)} — {INSTRUCTIONS[q.kind]}"
        words = f"<p><em>At least {q.min_words} words.</em></p>" if q.min_words else ""
        return _html_widget(
            f'<p class="bc-head">{html.escape(head)}</p>{stem_html(q)}'
            f"{markdown_html(q.prompt)}{words}"
        )

    def _open_marking(self) -> None:
        """Show the model answer, the rubric's criteria to tick, and the save button."""
        self.model_area.value = _box_html(
            "bc-answer", f"**Model answer:** {self.question.model_answer}"
        )
        intro = _html_widget(
            "<p><strong>Tick each criterion your answer meets</strong> (be honest: this is for "
            "you, and it is kept apart from your quiz score).</p>"
        )
        self.marking.children = [
            self.model_area, intro, *self.criteria, self.save_row, self.marks_feedback
        ]

    def _restore(self) -> None:
        """Show the saved answer and marks, as if the student had never left."""
        record = self.store.record(self.question.id)
        if record.get("text"):
            self.answer.value = record["text"]
            self._open_marking()
        for index in record.get("self_met", []):
            if 0 <= int(index) < len(self.criteria):
                self.criteria[int(index)].value = True
        if "self_score" in record:
            self.marks_feedback.value = self._marks_html(
                int(record["self_score"]), int(record.get("self_max", len(self.criteria)))
            )

    @staticmethod
    def _marks_html(met: int, possible: int) -> str:
        return _box_html(
            "bc-feedback bc-feedback-info",
            f"Your marks are saved: **{met} of {possible}** criteria met (self-assessed, kept "
            "apart from your quiz score). Rewrite and mark again whenever you like.",
        )

    @_safe
    def _on_submit(self) -> None:
        """Keep the answer and open the model answer and rubric."""
        feedback = check(self.question, self.answer.value)
        self.feedback.value = feedback_html(feedback)
        if not feedback.saved:
            return
        self.store.record_self_assessment(
            self.question.id, self.answer.value, self._ticked(), len(self.criteria)
        )
        self._open_marking()
        self.marks_feedback.value = ""

    @_safe
    def _on_hint(self) -> None:
        """Show or hide the hint."""
        if self.hint_area.value:
            self.hint_area.value = ""
            self.hint_button.description = "Show hint"
            return
        self.hint_area.value = _box_html("bc-hint", f"**Hint:** {self.question.hint}")
        self.hint_button.description = "Hide hint"
        self.store.record_hint(self.question.id)

    def _ticked(self) -> list[int]:
        return [i for i, box in enumerate(self.criteria) if box.value]

    @_safe
    def _on_save(self) -> None:
        """Save the ticked criteria as the self-assessed score."""
        if not self.answer.value.strip():
            self.feedback.value = feedback_html(check(self.question, ""))
            return
        met, possible = self_score(self.question, self._ticked())
        self.store.record_self_assessment(
            self.question.id, self.answer.value, self._ticked(), possible
        )
        self.marks_feedback.value = self._marks_html(met, possible)


_STYLESHEET: list[widgets.HTML] = []


def _stylesheet() -> widgets.HTML:
    """Return the one widget that carries the quiz stylesheet; every quiz view shows the same model."""
    if not _STYLESHEET or _STYLESHEET[0].comm is None:  # none yet, or closed with the others
        _STYLESHEET[:] = [_html_widget(STYLE)]
    return _STYLESHEET[0]


class QuizView:
    """What show_quiz and show_question display: the widgets plus a static companion."""

    def __init__(
        self,
        bank: Bank,
        questions: list[QuestionWidget],
        score: LessonScore | None,
        *,
        title: bool,
        seed: int | None,
    ) -> None:
        self.bank = bank
        self.questions = questions
        self.score_view = score.view() if score else None
        header = [_html_widget(quiz_title_html(bank))] if title else []
        footer = [self.score_view] if self.score_view else []
        self.widget = widgets.VBox(
            [_stylesheet(), *header, *(q.box for q in questions), *footer], layout=PLAIN
        )
        self.widget.add_class("bc-quiz")
        asked = [q.question for q in questions]
        self.static_html = ""
        self.static_text = ""
        if asked:
            self.static_html = (quiz_title_html(bank) if title else "") + questions_html(
                bank, asked, seed
            )
            self.static_text = questions_text(bank, asked, seed)

    def question(self, question_id: str) -> QuestionWidget:
        """Return the widget of one question by id."""
        return next(q for q in self.questions if q.question.id == question_id)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """Return the widget view with HTML and text renderings of the questions beside it."""
        bundle = dict(self.widget._repr_mimebundle_() or {})
        if self.static_html:
            bundle["text/html"] = f'<div class="bc-static">{self.static_html}</div>'
            bundle["text/plain"] = self.static_text
        return bundle

    def _ipython_display_(self) -> None:
        """Display the widget, then the static companion that only kernel-less views show.

        nbconvert's HTML export prefers a widget view over text/html in the same output, and
        without network it cannot draw the widget; a separate output keeps the text readable.
        """
        from IPython.display import display

        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["text/plain"] = (
            f"Lesson {self.bank.lesson} quiz (interactive; run the notebook to answer)"
        )
        display(bundle, raw=True)
        if self.static_html:
            display(StaticView(self.static_html, self.static_text, css_class="bc-static-companion"))


def build_quiz(
    bank: Bank,
    *,
    questions: Sequence[Question] | None = None,
    seed: int | None = None,
    store: ProgressStore | None = None,
    title: bool = True,
    score: bool = True,
) -> QuizView:
    """Return the view of a bank's questions (all by default) with its live score line."""
    store = store or ProgressStore()
    lesson = lesson_score(bank, store)
    asked = list(bank.questions if questions is None else questions)
    widgets_: list[Any] = [
        WrittenWidget(q, bank, store=store)
        if isinstance(q, Written)
        else QuestionWidget(q, bank, store=store, score=lesson, seed=seed)
        for q in asked
    ]
    return QuizView(bank, widgets_, lesson if score else None, title=title, seed=seed)
