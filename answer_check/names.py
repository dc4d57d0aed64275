"""The names a learner's name or function may stand for, in the scope a block ran in: another layer's variable, the
variable before or after the activation, another data set's, another case; a function of NumPy's or of the
notebook's reached the way the learner reached theirs. The rules (``rules.py``) ask; this module only reads.
"""

import ast

import numpy as np

from .interpret import METHODS, NP_FUNCTIONS


def near_names(name, env):
    """Names a learner mixes up with ``name``: another layer's (2 <-> 3), before or after the activation (U <-> Z),
    upper or lower case (Y_hat <-> y_hat), another set (test / valid / train), or any other array of the scope."""
    near = []
    swaps = [("2", "3"), ("3", "2"), ("U", "Z"), ("Z", "U"), ("test", "valid"), ("test", "train"), ("valid", "test"),
             ("train", "test"), ("Delta", "dLdb"), ("dLdW", "dLdb"), ("dLdb", "dLdW"), ("dLdb", "Delta")]
    for old, new in swaps:
        if old in name and name.replace(old, new) in env:
            near.append(name.replace(old, new))
    for other in (name.swapcase()[:1] + name[1:], name.lower(), name.upper()):
        if other != name and other in env:
            near.append(other)
    rest = sorted(n for n, v in env.items() if isinstance(v, np.ndarray) and n != name and n not in near
                  and not n.startswith("_"))
    return [(n, True) for n in dict.fromkeys(near)] + [(n, False) for n in rest]


def function_of(env, node, other):
    """The function of the call ``node``, reached as the learner reaches it, replaced by ``other`` (None where it
    has no such one)."""
    func = node.func
    if other in env and callable(env[other]):
        return ast.Name(other, ast.Load())
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "np":
        return ast.Attribute(func.value, other, ast.Load()) if other in NP_FUNCTIONS else None
    if isinstance(func, ast.Attribute):
        return ast.Attribute(func.value, other, ast.Load()) if other in METHODS else None
    if other in env:
        return ast.Name(other, ast.Load())
    return ast.Attribute(ast.Name("np", ast.Load()), other, ast.Load()) if other in NP_FUNCTIONS else None
