"""nbgrader settings for everyone on the Back Channels hub (students and instructors).

The hub passes BACKCHANNELS_COURSE_ID and BACKCHANNELS_EXCHANGE to every server
(hub/jupyterhub_config.py). The instructor's course folder has its own nbgrader_config.py
(exercises/nbgrader_config.py) for everything else.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)
c.CourseDirectory.course_id = os.environ.get("BACKCHANNELS_COURSE_ID", "backchannels")
c.Exchange.root = os.environ.get("BACKCHANNELS_EXCHANGE", "/srv/nbgrader/exchange")
