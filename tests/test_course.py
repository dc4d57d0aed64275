"""course.py: the course's settings, read from the notebook (its cells, or its variables), written nowhere else."""

import pytest

from answer_check import contract, course
from helpers import ROOT, notebook_cell


def test_the_solution_and_its_handout_set_the_same_settings():
    settings = course.of_notebook(ROOT / contract.SOLUTION)
    assert settings == course.of_notebook(ROOT / contract.HANDOUT)
    assert settings.shape("hn") == (settings.h_dim, settings.batch_size) and settings.n_test == 10000


def test_a_cell_sets_a_setting_by_a_line_name_equals_number():
    found = course.Course.of_sources(["x_dim = 784\nh_dim = 128  # fewer\nnb_classes = 10",
                                      "nb_epoch = 3\nbatch_size = 50\neta = 5e-2\nfor x in y:\n  eta = 9",
                                      "n_train = 50_000\nn_valid = 10000", "np.random.seed(7)"])
    assert (found.h_dim, found.eta, found.n_train, found.seed) == (128, 0.05, 50000, 7)


def test_a_notebook_without_a_setting_is_refused_naming_it():
    with pytest.raises(course.SettingsMissing, match="eta"):
        course.Course.of_sources([notebook_cell("init-params"), "nb_epoch = 1\nbatch_size = 10"])


def test_the_learners_variables_and_the_cell_about_to_run_come_first():
    ns = {"h_dim": 64, "x_dim": 784, "nb_classes": 10, "eta": True}  # a bool is not a setting's number
    settings = course.of_learner(ns, "batch_size = 20\neta = 0.5")
    assert (settings.h_dim, settings.batch_size, settings.eta) == (64, 20, 0.5)
    assert settings.n_train == course.solution().n_train  # not defined yet: the handout's beside the modules
