"""The class report: score distributions and the questions the class missed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from backchannels.grading.generate import assignments, course_dir


def objectives(course: Path | None = None) -> dict[tuple[str, str], tuple[str, str]]:
    """Return {(assignment, grade_id): (question id, objective text)} from the sources."""
    course = course or course_dir()
    found = {}
    for a in assignments(course):
        for nb_path in (course / "source" / a).glob("*.ipynb"):
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
            objs = nb["metadata"].get("backchannels", {}).get("objectives", {})
            for cell in nb["cells"]:
                meta = cell["metadata"]
                if meta.get("nbgrader", {}).get("grade"):
                    bc = meta.get("backchannels", {})
                    key = bc.get("objective", "")
                    found[(a, meta["nbgrader"]["grade_id"])] = (
                        bc.get("question", meta["nbgrader"]["grade_id"]),
                        f"{key} {objs.get(key, '')}".strip())
    return found


LEVELS = ("remember", "understand", "apply", "analyse", "evaluate", "create")


def levels(course: Path | None = None) -> dict[tuple[str, str], str]:
    """Return {(assignment, grade_id): cognitive level} from the sources' ``backchannels.level``.

    A test cell inherits the level of the question it checks (same ``backchannels.question``).
    """
    course = course or course_dir()
    found: dict[tuple[str, str], str] = {}
    for a in assignments(course):
        for nb_path in (course / "source" / a).glob("*.ipynb"):
            cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
            by_question = {c["metadata"].get("backchannels", {}).get("question"):
                           c["metadata"]["backchannels"]["level"] for c in cells
                           if c["metadata"].get("backchannels", {}).get("level")}
            for cell in cells:
                meta = cell["metadata"]
                if meta.get("nbgrader", {}).get("grade"):
                    question = meta.get("backchannels", {}).get("question")
                    level = meta.get("backchannels", {}).get("level") or by_question.get(question)
                    if level:
                        found[(a, meta["nbgrader"]["grade_id"])] = level
    return found


def _share_table(questions: Any, column: str, order: list[str]) -> list[str]:
    """Return Markdown rows: per value of ``column``, points earned out of possible, and full marks."""
    rows = []
    grouped = questions.groupby(column)
    for value in order:
        if value not in grouped.groups:
            continue
        g = grouped.get_group(value)
        earned = 100 * g["score"].sum() / g["max_score"].sum() if g["max_score"].sum() else 0
        rows.append(f"| {value} | {g['grade_id'].nunique()} | {earned:.0f}% "
                    f"| {100 * g['right'].mean():.0f}% |")
    return rows


def report(graded: Path | None = None, out: Path | None = None,
           course: Path | None = None) -> Path:
    """Write report.md, report.html and PNG figures from grades.csv; return report.md."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    course = course or course_dir()
    graded = graded or course
    out = out or graded / "report"
    out.mkdir(parents=True, exist_ok=True)
    grades = pd.read_csv(graded / "grades.csv")
    questions = pd.read_csv(graded / "grades_by_question.csv")
    grades = grades[grades["assignment"].notna()]
    lines = ["# Class report", "",
             (f"{grades['student_id'].nunique()} students, {len(grades)} submissions. "
             "Scores are points out of the maximum; 'right' = full marks on the question."), ""]
    lines += ["## Scores per assignment", "",
              "| assignment | submissions | mean % | median % | lowest % | highest % | with a problem |",
              "|---|---|---|---|---|---|---|"]
    figures = []
    for a, g in grades.groupby("assignment"):
        pct = 100 * g["score"] / g["max_score"].where(g["max_score"] > 0)
        lines.append(f"| {a} | {len(g)} | {pct.mean():.0f} | {pct.median():.0f} | {pct.min():.0f} "
                     f"| {pct.max():.0f} | {int(g['problem'].notna().sum())} |")
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.hist(pct.dropna(), bins=range(0, 110, 10), color="#3b6ea5", edgecolor="white")
        ax.set(title=f"{a}: score distribution", xlabel="score (% of maximum)",
               ylabel="students")
        fig.tight_layout()
        fig.savefig(out / f"{a}_scores.png", dpi=100)
        plt.close(fig)
        figures.append(f"![Histogram of {a} scores]({a}_scores.png)")
    lines += ["", "Manually graded answers count as 0 until they are graded in formgrader.", ""]
    lines += [line for fig in figures for line in (fig, "")]
    objs = objectives(course)
    lines += ["## Share of the class with each question right", "",
              "| assignment | question | objective | right | graded |", "|---|---|---|---|---|"]
    if "needs_manual_grade" in questions:
        waiting = questions[questions["needs_manual_grade"].astype(bool)]
        questions = questions[~questions["needs_manual_grade"].astype(bool)]
        if len(waiting):
            lines.insert(-2, f"{len(waiting)} manually graded answers still await grading and are "
                             "left out of this table.\n")
    if len(questions):
        questions["right"] = questions["score"] >= questions["max_score"]
        share = questions.groupby(["assignment", "grade_id"]).agg(
            right=("right", "mean"), graded=("right", "size")).reset_index()
        for _, r in share.iterrows():
            qid, obj = objs.get((r["assignment"], r["grade_id"]), (r["grade_id"], ""))
            lines.append(f"| {r['assignment']} | {qid} | {obj} | {100 * r['right']:.0f}% "
                         f"| {r['graded']} |")
        # Whether the class can apply and evaluate, not only recall: results by level and objective.
        level_of = levels(course)
        questions["level"] = [level_of.get((a, g), "not set")
                              for a, g in zip(questions["assignment"], questions["grade_id"])]
        questions["objective"] = [f"{a} {objs.get((a, g), (g, ''))[1]}".strip()
                                  for a, g in zip(questions["assignment"], questions["grade_id"])]
        by_level = _share_table(questions, "level", [*LEVELS, "not set"])
        by_objective = _share_table(questions, "objective", sorted(questions["objective"].unique()))
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(share) + 1.2))
        labels = []
        for a, g in zip(share["assignment"], share["grade_id"]):
            qid, obj = objs.get((a, g), (g, ""))
            labels.append(f"{qid} ({obj.split()[0]})" if obj else qid)
        ax.barh(labels[::-1], 100 * share["right"][::-1], color="#5a9e6f")
        ax.set(title="Share of the class with full marks, per question", xlabel="% of students",
               xlim=(0, 100))
        fig.tight_layout()
        fig.savefig(out / "questions.png", dpi=100)
        plt.close(fig)
        lines += ["", "![Bar chart of the share of students with each question right](questions.png)"]
        header = ["| {} | questions | points earned | full marks |", "|---|---|---|---|"]
        lines += ["", "## Results by cognitive level", "",
                  "Points the class earned out of those possible, and the share of answers with "
                  "full marks, by the level of thinking each question asks for.", "",
                  header[0].format("level"), header[1], *by_level]
        lines += ["", "## Results by learning objective", "",
                  header[0].format("objective"), header[1], *by_objective]
    problems = grades[grades["problem"].notna()]
    if len(problems):
        lines += ["", "## Submissions with a problem", "", "| student | assignment | problem |",
                  "|---|---|---|"]
        lines += [f"| {r.student_id} | {r.assignment} | {r.problem} |" for r in problems.itertuples()]
    md = out / "report.md"
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "report.html").write_text(_md_to_html("\n".join(lines)), encoding="utf-8")
    return md


def _md_to_html(text: str) -> str:
    """Turn the report's small Markdown subset (headings, tables, images) into HTML."""
    import html

    body, in_table = [], False
    for line in text.split("\n"):
        if line.startswith("|") and not set(line) <= set("|-"):
            cells = [html.escape(c.strip()) for c in line.strip("|").split("|")]
            tag = "th" if not in_table else "td"
            body.append(("<table>" if not in_table else "") + "<tr>"
                        + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>")
            in_table = True
            continue
        if line.startswith("|"):
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{html.escape(line.lstrip('# '))}</h{level}>")
        elif m := re.match(r"!\[(.*)\]\((.*)\)", line):
            body.append(f'<img src="{html.escape(m[2])}" alt="{html.escape(m[1])}">')
        elif line:
            body.append(f"<p>{html.escape(line)}</p>")
    if in_table:
        body.append("</table>")
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "td,th{border:1px solid #ccc;padding:.2em .5em}table{border-collapse:collapse}")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Class report"
            f"</title><style>{style}</style></head><body>{''.join(body)}</body></html>")


