"""Homework grading with nbgrader, student code confined.

Modules: ``generate`` (course folder, student versions, prepared gradebook, answer key),
``check`` (find and check submissions, the cleaned grading copy), ``confine`` (the bubblewrap
sandbox for student kernels), ``answers`` (answers as data and their comparison),
``preprocessors`` (the nbgrader plug-ins), ``run`` (parallel grading), ``merge`` (gradebooks),
``report`` (the class report). Command line: ``python -m backchannels.grading``.
"""

from __future__ import annotations

from backchannels.grading.answers import HIDDEN_BEGIN, HIDDEN_END
from backchannels.grading.check import Submission, check_submission, find_submissions
from backchannels.grading.generate import (
    answer_key,
    assignments,
    course_dir,
    generate,
    prepared_gradebook,
    tool_env,
)
from backchannels.grading.report import objectives, report
from backchannels.grading.run import SandboxUnavailable, checksums, default_jobs, grade

__all__ = [
    "HIDDEN_BEGIN",
    "HIDDEN_END",
    "SandboxUnavailable",
    "Submission",
    "answer_key",
    "assignments",
    "check_submission",
    "checksums",
    "course_dir",
    "default_jobs",
    "find_submissions",
    "generate",
    "grade",
    "objectives",
    "prepared_gradebook",
    "report",
    "tool_env",
]
