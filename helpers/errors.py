"""Errors that speak to a learner: a clear message and a fix, never a deep traceback."""


class CourseError(Exception):
    """Base error of the course; Jupyter shows its message alone, without a traceback."""

    def _render_traceback_(self):
        # IPython calls this instead of printing the traceback (see IPython's showtraceback).
        return [f"{type(self).__name__}: {line}" if i == 0 else line
                for i, line in enumerate(str(self).splitlines())]
