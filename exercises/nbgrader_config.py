"""nbgrader configuration for the Back Channels homework course.

The course root is this file's own folder (``exercises/``), so every nbgrader command works the
same from any working directory, e.g. ``nbgrader generate_assignment ps1_concepts
--config exercises/nbgrader_config.py``. Grading runs student code: see exercises/README.md.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
if SRC.is_dir() and str(SRC) not in sys.path:
    # A checkout without `pip install -e .`: let nbgrader find backchannels.grading's preprocessors.
    sys.path.insert(0, str(SRC))

c = get_config()  # noqa: F821 (nbgrader/traitlets provide get_config)

# --- where things are -------------------------------------------------------------------------
# On the class hub every server gets BACKCHANNELS_COURSE_ID (hub/jupyterhub_config.py); this file is
# read after the hub's, so it must take the same value or releases land under another course.
c.CourseDirectory.course_id = os.environ.get("BACKCHANNELS_COURSE_ID", "backchannels")
c.CourseDirectory.root = str(HERE)
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = f"sqlite:///{HERE / 'gradebook.db'}"
c.CourseDirectory.assignment_id = ""
c.CourseDirectory.notebook_id = "*"
# Nothing but the notebook itself is handed out or collected.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]


# --- student versions --------------------------------------------------------------------------
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.ClearSolutions.enforce_metadata = True
c.ClearHiddenTests.enforce_metadata = True
c.GenerateAssignment.create_assignment = True

# --- running student code: nothing may hang grading --------------------------------------------
c.ResilientExecute.timeout = 30                    # seconds per cell; an infinite loop is interrupted
c.ResilientExecute.interrupt_on_timeout = True     # interrupt the kernel, record CellTimeoutError, go on
c.ResilientExecute.startup_timeout = 60            # a kernel that will not start fails this notebook only
c.ResilientExecute.execute_retries = 0             # a kernel that dies is reported, not retried
c.ResilientExecute.raise_on_iopub_timeout = False
c.ResilientExecute.iopub_timeout = 10
c.Execute.kernel_name = "python3"
c.ExecutePreprocessor.timeout = 30
c.ExecutePreprocessor.interrupt_on_timeout = True
c.LimitOutput.max_lines = 200             # huge outputs are cut before they reach the gradebook
c.LimitOutput.max_traceback = 60
# Cap on the size of any single output (characters), applied after execution.
c.CapOutputSize.max_chars = 20_000

c.Autograde.create_student = True
# Student code runs in a fresh kernel that the grading command confines (bubblewrap; see
# backchannels/grading/confine.py); a cell that kills the kernel costs only its own question.
c.ResilientExecute.max_crashes = 3
# The answer key is made from this course's solutions (cached); the grading command passes its own.
c.CompareAnswers.course_root = str(HERE)
c.Autograde.autograde_preprocessors = [
    "backchannels.grading.preprocessors.ResilientExecute",
    # Answers are compared here, outside the student's kernel, against the key made from the
    # instructor's solutions; the test cell's outputs become the points earned.
    "backchannels.grading.preprocessors.CompareAnswers",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "backchannels.grading.preprocessors.CapOutputSize",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# --- feedback: never show hidden tests (jupyter/nbgrader issues 917 and 1363) -----------------
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "backchannels.grading.preprocessors.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
