"""Check an activity file of the question corpus (benchmarks/blind, benchmarks/data/dev).

Usage: python benchmarks/validate_corpus.py FILE.json [FILE.json ...]
"""

import collections
import json
import sys


def main(path):
    with open(path, encoding="utf-8") as handle:
        d = json.load(handle)
    errs, warns = [], []
    for key in (
        "activity_id",
        "subject",
        "level",
        "language_of_posts",
        "prompt",
        "questions",
        "posts",
    ):
        if key not in d:
            errs.append(f"missing top-level key {key!r}")
    if errs:
        print("\n".join(errs))
        sys.exit(1)
    qs = d["questions"]
    ids = set()
    people = {}
    for i, p in enumerate(d["posts"]):
        where = f"posts[{i}] ({p.get('post_id')})"
        for key in ("post_id", "author_id", "role", "parent_id", "body", "units"):
            if key not in p:
                errs.append(f"{where}: missing {key!r}")
        if p.get("post_id") in ids:
            errs.append(f"{where}: duplicate post_id")
        ids.add(p.get("post_id"))
        if p.get("parent_id") is not None and p["parent_id"] not in ids:
            errs.append(f"{where}: parent_id {p['parent_id']!r} is not an earlier post")
        if p.get("role") not in ("student", "teacher", "assistant"):
            errs.append(f"{where}: role must be student/teacher/assistant")
        people.setdefault(p.get("author_id"), p.get("role"))
        for u in p.get("units", []):
            if u.get("text") not in p.get("body", ""):
                errs.append(
                    f"{where}: unit text is not an exact substring of body: {u.get('text')!r}"
                )
            if u.get("question") not in qs:
                errs.append(f"{where}: unit question {u.get('question')!r} not in 'questions'")
            if p.get("role") != "student":
                errs.append(f"{where}: staff posts have no units")
        if p.get("agrees_with") is not None:
            if p["agrees_with"] not in qs:
                errs.append(f"{where}: agrees_with {p['agrees_with']!r} not in 'questions'")
            if p.get("parent_id") is None:
                errs.append(f"{where}: agrees_with needs a parent_id (it replies to a unit)")
        for t in p.get("traps", []):
            if t.get("text") not in p.get("body", ""):
                errs.append(
                    f"{where}: trap text is not an exact substring of body: {t.get('text')!r}"
                )
            if t.get("kind") not in (
                "rhetorical",
                "staff",
                "quoted",
                "greeting",
                "agreement",
                "logistics",
                "other",
            ):
                errs.append(f"{where}: trap kind {t.get('kind')!r} unknown")
    students = {a for a, r in people.items() if r == "student"}
    raisers = collections.defaultdict(set)
    n_units = 0
    no_qmark = 0
    for p in d["posts"]:
        for u in p.get("units", []):
            raisers[u["question"]].add(p["author_id"])
            n_units += 1
            no_qmark += "?" not in u["text"]
        if p.get("agrees_with"):
            raisers[p["agrees_with"]].add(p["author_id"])
    recurring = {q: len(s) for q, s in raisers.items() if len(s) >= 2}
    if not 25 <= len(students) <= 60:
        errs.append(f"{len(students)} students; need 25-60")
    if not 4 <= len(recurring) <= 10:
        errs.append(f"{len(recurring)} recurring questions (raised by 2+ students); need 4-10")
    if recurring and max(recurring.values()) > 12:
        errs.append(f"a question is raised by {max(recurring.values())} students; at most 12")
    sizes = sorted(recurring.values(), reverse=True)
    if len(set(sizes)) < 3:
        warns.append(f"recurring question sizes {sizes}: make them more mixed (from 2 up to ~12)")
    unused = [q for q in qs if q not in raisers]
    if unused:
        errs.append(f"questions never used: {unused}")
    traps = collections.Counter(t["kind"] for p in d["posts"] for t in p.get("traps", []))
    print(
        f"{path}: {len(d['posts'])} posts, {len(students)} students, {n_units} units "
        f"({no_qmark} without '?'), recurring question sizes {sizes}, "
        f"one-off questions {sum(1 for s in raisers.values() if len(s) == 1)}, traps {dict(traps)}"
    )
    for w in warns:
        print("WARNING:", w)
    for e in errs:
        print("ERROR:", e)
    return not errs


if __name__ == "__main__":
    ok = [main(f) for f in sys.argv[1:]]
    sys.exit(0 if all(ok) else 1)
