"""Names that would give two CDK constructs one id: synthesis stops on them, so `motia plan` does first.

Construct ids keep letters, digits and `_.:@+=-` and fold everything else to `_`
(`compiler.naming.construct_id_part`), so step `a b` and step `a_b` are two steps to Motia and
one construct to CDK. Steps, topics and integrations sit at the stack's top; a step's
subscriptions and stream triggers sit in the step's own scope.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

from compiler import ir
from compiler.config_schema import StreamTriggerSpec
from compiler.naming import construct_id_part
from compiler.resolve import ResolvedProject, ResolvedStep

__all__ = ["check_construct_id_collisions"]

FIX = ("rename one: construct ids keep only letters, digits and '_.:@+=-' (others become '_'), "
       "so names must differ in those")


def _collisions(named: Iterable[tuple[str, str]]) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(folded id, the distinct names folding to it) for each id more than one name folds to."""
    by_id: dict[str, set[str]] = defaultdict(set)
    for key, name in named:
        by_id[key].add(name)
    for key, names in sorted(by_id.items()):
        if len(names) > 1:
            yield key, tuple(sorted(names))


def _step_collisions(project: ResolvedProject) -> Iterator[ir.Diagnostic]:
    by_name = {s.name: s for s in project.steps}
    for folded, names in _collisions((construct_id_part(s.name), s.name) for s in project.steps):
        listed = " and ".join(f"{n!r} ({by_name[n].file})" for n in names)
        for name in names:
            yield ir.Diagnostic("error", by_name[name].file, name,
                                f"steps {listed} get the same construct id 'Step-{folded}'", FIX)


def _topic_collisions(project: ResolvedProject) -> Iterator[ir.Diagnostic]:
    files = {s.name: s.file for s in project.steps}
    topics = {(t.name, t.fifo): t for t in project.topics}
    for fifo in (False, True):
        same_kind = [t for t in project.topics if t.fifo == fifo]
        for folded, names in _collisions((construct_id_part(t.name), t.name) for t in same_kind):
            listed = " and ".join(repr(n) for n in names)
            for name in names:
                topic = topics[(name, fifo)]
                owner = (topic.publishers + topic.subscribers + ("",))[0]
                yield ir.Diagnostic("error", files.get(owner, ""), owner,
                                    f"topics {listed} get the same construct id "
                                    f"'{'TopicFifo' if fifo else 'Topic'}-{folded}'", FIX)


def _scoped_collisions(step: ResolvedStep) -> Iterator[ir.Diagnostic]:
    """Within one step: two subscriptions, or two stream triggers, folding to one id."""
    subscriptions = ((f"{q.settings.fifo}:{construct_id_part(q.trigger.topic)}", q.trigger.topic)
                     for q in step.queues)
    for _, names in _collisions(subscriptions):
        yield ir.Diagnostic("error", step.file, step.name,
                            f"queue() triggers on topics {' and '.join(map(repr, names))} get the same "
                            "construct id in this step", FIX)
    streams = [t for t in step.spec.triggers if isinstance(t, StreamTriggerSpec)]
    keyed = ((construct_id_part("/".join((t.stream_name, t.group_id or "*", t.item_id or "*"))),
              f"{t.stream_name}/{t.group_id or '*'}/{t.item_id or '*'}") for t in streams)
    for _, names in _collisions(keyed):
        yield ir.Diagnostic("error", step.file, step.name,
                            f"stream() triggers {' and '.join(map(repr, names))} get the same construct id "
                            "in this step", FIX)


def check_construct_id_collisions(project: ResolvedProject) -> Iterator[ir.Diagnostic]:
    yield from _step_collisions(project)
    yield from _topic_collisions(project)
    for step in project.steps:
        yield from _scoped_collisions(step)
