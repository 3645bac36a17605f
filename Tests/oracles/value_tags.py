"""The tagged-text form in which the reader oracles report cell values.

A value becomes "b:true", "i:42", "d:0.1" (repr, so exact), "d:NaN",
"d:Infinity" or "s:text"; null stays None. Lontar's tests parse the same form,
so every oracle must write it identically: this is the one definition.
"""
import math


def tag(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "b:" + ("true" if v else "false")
    if isinstance(v, int):
        return "i:%d" % v
    if isinstance(v, float):
        if math.isnan(v):
            return "d:NaN"
        if math.isinf(v):
            return "d:Infinity" if v > 0 else "d:-Infinity"
        return "d:" + repr(v)
    return "s:" + str(v)
