"""`Record`: a light stand-in for dataclasses and pydantic's BaseModel surface.

Step files import these types on Lambda at every cold start. `dataclasses` pulls in
`inspect` (~15-30 ms measured here) and pydantic costs ~250 ms (DESIGN.md 4), so records
are built from class annotations by hand: keyword (and positional) constructor with
defaults, `==`, `repr`, `model_dump()`, `Model[T]` subscripting, and `obj["key"]` /
`obj.get("key")` in snake_case or camelCase, so handlers written against Motia's pydantic
models keep working. Nothing here imports beyond builtins.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Generic, TypeVar

    T = TypeVar("T")
    # The type parameter generic classes declare: `class ApiRequest(Record, Subscriptable[P])`.
    P = TypeVar("P")

    class Subscriptable(Generic[T]):
        """Lets type checkers read `ApiRequest[dict]`, `FlowContext[Any]`; at run time `X[...]` is X."""


def snake_case(key: str) -> str:
    """`maxRetries` -> `max_retries`; snake_case keys pass through unchanged."""
    if key.islower() or not any(c.isupper() for c in key):
        return key
    out = []
    for index, char in enumerate(key):
        if char.isupper() and index:
            out.append("_")
        out.append(char.lower())
    return "".join(out)


def camel_case(key: str) -> str:
    """`max_retries` -> `maxRetries`."""
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class Factory:
    """A default made fresh for each record (see `factory`), like dataclasses' default_factory."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


if TYPE_CHECKING:

    def factory(make: Callable[[], T]) -> T:
        """A fresh default per record: `headers: dict[str, str] = factory(dict)`."""
        ...

else:

    def factory(make):
        return Factory(make)

    class Subscriptable:
        def __class_getitem__(cls, item):
            return cls

    P = object  # a stand-in for the TypeVar: `typing` costs ~10 ms at cold start


_MISSING = object()


class Record:
    """Fields are the class's annotated names, in declaration order (base classes first)."""

    _fields: tuple[str, ...] = ()
    _defaults: dict[str, Any] = {}
    _field_names: frozenset[str] = frozenset()
    _plain_defaults: dict[str, Any] = {}
    _factories: tuple[tuple[str, Callable[[], Any]], ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: list[str] = []
        for klass in reversed(cls.__mro__):
            for name in klass.__dict__.get("__annotations__", {}):
                if not name.startswith("_") and name not in fields:
                    fields.append(name)
        cls._fields = tuple(fields)
        cls._defaults = {n: cls.__dict__[n] if n in cls.__dict__ else getattr(cls, n) for n in fields if hasattr(cls, n)}
        # Split once here: the shim builds records on every invocation, and a field-by-field
        # loop in __init__ cost more than the rest of an HTTP request's handling.
        cls._field_names = frozenset(fields)
        cls._plain_defaults = {n: d for n, d in cls._defaults.items() if not isinstance(d, Factory)}
        cls._factories = tuple((n, d.make) for n, d in cls._defaults.items() if isinstance(d, Factory))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        if args:
            kwargs = _with_positional(cls, args, kwargs)
        if not cls._field_names.issuperset(kwargs):
            kwargs = _with_aliases(cls, kwargs)
        values = {**cls._plain_defaults, **kwargs}
        for name, make in cls._factories:
            if name not in kwargs:
                values[name] = make()
        if len(values) < len(cls._fields):
            missing = next(name for name in cls._fields if name not in values)
            raise TypeError(f"{cls.__name__}() missing required argument: {missing!r}")
        self.__dict__.update(values)

    def __class_getitem__(cls, item: Any) -> Any:
        # `ApiRequest[dict]` in annotations and calls: generic only for type checkers.
        return cls

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._fields)

    __hash__ = None  # type: ignore[assignment]  # mutable, like a non-frozen dataclass

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields)
        return f"{type(self).__name__}({inner})"

    def model_dump(self, *, by_alias: bool = False, exclude_none: bool = False) -> dict[str, Any]:
        dumped: dict[str, Any] = _dump(self, by_alias)
        if exclude_none:
            return {k: v for k, v in dumped.items() if v is not None}
        return dumped

    def __getitem__(self, key: str) -> Any:
        name = snake_case(key)
        if name not in self._fields:
            raise KeyError(key)
        return getattr(self, name)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key, _MISSING) is not _MISSING


def _with_aliases(cls: type[Record], kwargs: dict[str, Any]) -> dict[str, Any]:
    """camelCase keywords (`groupId=`), as Motia's pydantic models accept them, as fields."""
    named: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    for key, value in kwargs.items():
        name = key if key in cls._field_names else snake_case(key)
        if name not in cls._field_names:
            raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {key!r}")
        if name in named:
            raise TypeError(f"{cls.__name__}() got {name!r} twice: as {spelled[name]!r} and as {key!r}")
        named[name], spelled[name] = value, key
    return named


def _with_positional(cls: type[Record], args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Positional arguments as keywords, in field order (rare: handlers use keywords)."""
    if len(args) > len(cls._fields):
        raise TypeError(f"{cls.__name__}() takes {len(cls._fields)} positional arguments, got {len(args)}")
    merged = dict(zip(cls._fields, args))
    for name in kwargs:
        if name in merged:
            raise TypeError(f"{cls.__name__}() got multiple values for argument {name!r}")
    merged.update(kwargs)
    return merged


def fields_of(value: Record) -> dict[str, Any]:
    """A record's fields and values, in order (what `dataclasses.asdict` gives, one level deep)."""
    return {name: getattr(value, name) for name in value._fields}


def _dump(value: Any, by_alias: bool) -> Any:
    if isinstance(value, Record):
        return {(camel_case(n) if by_alias else n): _dump(v, by_alias) for n, v in fields_of(value).items()}
    if isinstance(value, dict):
        return {k: _dump(v, by_alias) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_dump(v, by_alias) for v in value]
    return value
