"""The teacher's side: grading a class's handouts, line by line, each notebook in its own bubblewrap box.

    python -m grading CLASS --out REPORT      # the command line (grading/__main__.py)

* ``core``: one submission and a class graded; the command line and the Gradescope autograder both call it.
* ``submissions``: the notebooks of a class, from a folder or a .zip, read once and never written to.
* ``sandbox``: one notebook's box (bubblewrap), made here; ``runner``: what runs inside it.
* ``report``: ``grades.csv``, the feedback pages and the class page.
* ``gradescope``: the same grading as a Gradescope autograder.

The learner's side, the package ``answer_check`` (what the notebook calls after each block of blanks), sits beside
this package; the grader judges with the same modules.
"""
