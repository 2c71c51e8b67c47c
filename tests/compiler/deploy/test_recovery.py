from __future__ import annotations

from datetime import datetime, timedelta, timezone

from compiler.deploy.recovery import TableFact, failed_create_lines, left_by_failed_create

STACK_CREATED = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_empty_tables_created_after_the_failed_stack_are_its_own() -> None:
    tables = (TableFact("app-dev-state", STACK_CREATED + timedelta(seconds=3), empty=True),
              TableFact("app-dev-streams", STACK_CREATED, empty=True))
    assert left_by_failed_create(tables, STACK_CREATED) == (("app-dev-state", "app-dev-streams"), ())


def test_a_table_that_holds_items_is_kept_even_if_the_failed_attempt_made_it() -> None:
    tables = (TableFact("app-dev-state", STACK_CREATED + timedelta(seconds=3), empty=False),)
    assert left_by_failed_create(tables, STACK_CREATED) == ((), ("app-dev-state",))


def test_a_table_older_than_the_failed_stack_is_kept_even_if_empty() -> None:
    # e.g. kept by `motia destroy` of an earlier deploy of the stage: user data, never deleted.
    tables = (TableFact("app-dev-state", STACK_CREATED - timedelta(days=3), empty=True),)
    assert left_by_failed_create(tables, STACK_CREATED) == ((), ("app-dev-state",))


def test_failed_create_says_nothing_is_left_but_the_empty_stack() -> None:
    assert failed_create_lines("app-dev", "ROLLBACK_COMPLETE", ()) == [
        "nothing else is left behind: the empty stack app-dev (ROLLBACK_COMPLETE), which the next motia deploy "
        "deletes and creates again; fix the cause and run motia deploy again"]


def test_failed_create_names_the_tables_it_left() -> None:
    [line] = failed_create_lines("app-dev", "REVIEW_IN_PROGRESS", ("app-dev-state",))
    assert line.startswith("left behind: the empty stack app-dev (REVIEW_IN_PROGRESS)")
    assert "the empty table(s) app-dev-state this attempt created (the next motia deploy deletes them" in line
