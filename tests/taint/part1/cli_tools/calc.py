#!/usr/bin/env python3
"""Tiny interactive calculator used by the support team."""
import math
import re
import sys

FUNCTIONS = {"sqrt": math.sqrt, "log": math.log, "sin": math.sin, "cos": math.cos}
ARITHMETIC = r"[0-9+\-*/(). ]+"


def evaluate(line):
    if re.fullmatch(ARITHMETIC, line):
        return eval(line)  # ok: PY802
    raise ValueError("only arithmetic is supported")


def apply_function(name, arg):
    if name in FUNCTIONS:
        return eval(name + "(" + repr(float(arg)) + ")", {"__builtins__": {}}, FUNCTIONS)  # ok: PY802
    raise ValueError(f"unknown function {name}")


def repl():
    while True:
        try:
            line = input("calc> ").strip()
        except EOFError:
            break
        if line in ("quit", "exit"):
            break
        if line.startswith("!"):
            # "advanced mode" for power users: any python expression
            print(eval(line[1:], {"math": math}))  # expect: PY802
            continue
        if " " in line and line.split()[0] in FUNCTIONS:
            name, arg = line.split(None, 1)
            print(apply_function(name, arg))
            continue
        try:
            print(evaluate(line))
        except (ValueError, SyntaxError, ZeroDivisionError) as exc:
            print("error:", exc)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        expression = " ".join(sys.argv[1:])
        print(eval(expression))  # expect: PY802
    else:
        repl()
