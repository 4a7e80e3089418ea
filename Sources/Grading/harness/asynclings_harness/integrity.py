"""The ``tampering`` check: the learner's code leaves the grader alone.

The learner's file runs in the grader's own process, so it could reach the grader:
patch ``Trial.expect``, replace a builtin, install a trace hook, rewind the virtual
clock. None of that has a place in an exercise, and any of it makes the verdict
worthless. Right before the learner's code first runs, :meth:`Integrity.seal` records
the grader's state; from then on changes are noticed by kind, not trick by trick:

* **namespaces**: the identity of every value in ``builtins``, in every harness module
  and the lesson's check module, in every class they define and the Python classes
  those build on, and of each standard-library attribute instrument.py replaced; the
  interpreter's trace, profile and monitoring hooks. Compared after every scenario and
  when the report is made.
* **out of reach**: the harness modules move to a random name in ``sys.modules`` (the
  harness's own relative imports follow them); decoys under the public names record
  any use, a finder refuses any other import of them, the harness folder leaves
  ``sys.path``.
* **actions**, seen by an audit hook and refused as they happen: trace, profile and
  monitoring hooks, further audit hooks, searches through the garbage collector's
  objects, replacing the code of a grader's function or the class of a grader's object.
* **live objects**: after each run of a scenario its trial, fakes and loops have no
  method shadowed by an instance attribute, each global the scenario patched still
  holds the grader's stand-in, and no loop's virtual clock ran backwards.

What stays possible: changing the *state* of the grader's live objects (a fake's
counters, the results) reached through closures or frames. A learner set on faking a
pass inside their own process can try that (see docs/SECURITY.md); this check catches
the tampering that takes a line or two.
"""

from __future__ import annotations

import builtins
import importlib.machinery
import operator
import os
import sys
import threading
import types
from itertools import chain
from typing import TYPE_CHECKING, Any, Callable, Iterable

from . import report as R

if TYPE_CHECKING:
    from .clock import VirtualClockLoop
    from .session import Session
    from .trial import Trial

PACKAGE = __name__.rpartition(".")[0]  # the harness package's public name
HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class defined in Python (a built-in type cannot be patched)
# Module globals the interpreter writes itself: a warning raised while a grader's frame runs is registered there.
INTERPRETER_KEYS = frozenset({"__warningregistry__"})
# Audit events refused once the grade is sealed, and how the report names each.
REFUSED_EVENTS = {
    "sys.settrace": "installed a trace function with sys.settrace (a debugger such as `breakpoint()` does: a grade cannot be debugged)",
    "sys._settraceallthreads": "installed a trace function in every thread",
    "sys.setprofile": "installed a profile function with sys.setprofile",
    "sys._setprofileallthreads": "installed a profile function in every thread",
    "sys.monitoring.register_callback": "registered a sys.monitoring callback",
    "sys.addaudithook": "added an audit hook with sys.addaudithook",
    "gc.get_referrers": "searched the garbage collector with gc.get_referrers, which reaches the grader's own objects",
    "gc.get_referents": "searched the garbage collector with gc.get_referents, which reaches the grader's own objects",
    "gc.get_objects": "searched the garbage collector with gc.get_objects, which reaches the grader's own objects",
}
CODE_ATTRIBUTES = frozenset({"__code__", "__defaults__", "__kwdefaults__"})
HOOKS = {
    "sys.settrace": "installed a trace function with sys.settrace",
    "sys.setprofile": "installed a profile function with sys.setprofile",
    "threading.settrace": "installed a trace function for new threads with threading.settrace",
    "threading.setprofile": "installed a profile function for new threads with threading.setprofile",
}
REWOUND = "wound the virtual clock back"  # reported once, for the first loop it happened to
SHOWN = 3  # findings listed in the message
FIX = ("Fix: solve the exercise with your own code; it never needs to import, patch or inspect the grader, "
       "its stand-ins, the builtins or the clock.")
_MISSING = object()
_VALUES = operator.methodcaller("values")


class Refused(RuntimeError):
    """Raised into the code that attempted something the seal forbids (an audit hook refuses by raising).

    A ``RuntimeError``, so that a refused ``sys.addaudithook`` fails quietly, as CPython arranges.
    """


class Snapshot:
    """The identity of every value in many mappings, compared with the mappings in one C-level pass."""

    def __init__(self) -> None:
        self.labels: list[str] = []
        self.mappings: list[Any] = []
        self.adopters: dict[int, Callable[[str, Any], bool]] = {}  # mapping index -> says whether an addition is the grader's own
        self.take()

    def add(self, label: str, mapping: Any, adopt: Callable[[str, Any], bool] | None = None) -> None:
        if adopt is not None:
            self.adopters[len(self.mappings)] = adopt
        self.labels.append(label)
        self.mappings.append(mapping)

    def take(self) -> None:
        self.lengths = tuple(map(len, self.mappings))
        self.keys = tuple(chain.from_iterable(self.mappings))
        self.values = tuple(chain.from_iterable(map(_VALUES, self.mappings)))

    def unchanged(self) -> bool:
        # No Python code runs during the comparison, so a learner's thread cannot change a mapping half-way through it.
        return (tuple(map(len, self.mappings)) == self.lengths
                and all(map(operator.is_, chain.from_iterable(map(_VALUES, self.mappings)), self.values)))

    def changes(self) -> list[str]:
        """What changed, in the learner's terms; then compares against the present (nothing is reported twice)."""
        found: list[str] = []
        start = 0
        for index, (label, mapping, length) in enumerate(zip(self.labels, self.mappings, self.lengths)):
            before = dict(zip(self.keys[start:start + length], self.values[start:start + length]))
            start += length
            now = dict(mapping)
            for key, value in before.items():
                if key in INTERPRETER_KEYS:
                    continue
                if key not in now:
                    found.append(f"deleted `{label}.{key}`")
                elif now[key] is not value:
                    found.append(f"replaced `{label}.{key}`")
            adopt = self.adopters.get(index)
            for key in sorted(now.keys() - before.keys(), key=str):
                if key not in INTERPRETER_KEYS and not (adopt is not None and adopt(key, now[key])):
                    found.append(f"added `{label}.{key}`")
        self.take()
        return found


class Integrity:
    """The grader's state at the seal, what has been found changed since, and the ``tampering`` verdict."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.findings: list[str] = []
        self.snapshot = Snapshot()
        # What instrument.py replaced: the owners' namespaces, the attribute names, the grader's values, how to name them.
        self.replaced: tuple[list[Any], list[str], list[Any], list[str]] = ([], [], [], [])
        self.hooks: list[tuple[str, Any]] = []
        self.secret = f"_asynclings_{os.urandom(8).hex()}"  # where the harness modules move
        # Sets of the objects themselves, never of id()s: every id() call is an audited event.
        self.grader_globals: list[dict[str, Any]] = []  # the sealed modules' namespaces
        self.grader_modules: set[types.ModuleType] = set()
        self.grader_classes: set[type] = set()  # classes the harness and the check script define
        self.sealed_classes: set[type] = set()  # those and the Python classes they build on
        self._shadowable: dict[type, frozenset[str]] = {}

    # -- the seal ---------------------------------------------------------------------

    @classmethod
    def seal(cls, session: Session, check_module: types.ModuleType) -> Integrity:
        """Records the grader's state and puts the harness out of reach; call right before the learner's code runs."""
        integrity = cls(session)
        public = {name: module for name, module in sys.modules.items()
                  if name == PACKAGE or name.startswith(PACKAGE + ".")}
        public[check_module.__name__] = check_module
        _Decoy.touched = integrity._touched
        for name, module in public.items():
            integrity._move(name, module)
        for name, module in public.items():
            integrity._seal_module(name, module)
        integrity.snapshot.add("builtins", builtins.__dict__)
        integrity.snapshot.take()
        namespaces, names, values, labels = integrity.replaced
        for owner, name in session.instrumentation.replaced:
            namespaces.append(vars(owner))
            names.append(name)
            values.append(vars(owner)[name])
            labels.append(f"{_label(owner)}.{name}")
        integrity.hooks = _hooks()
        harness_folder = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != harness_folder]
        sys.meta_path.insert(0, _Tripwire(integrity._touched, set(public)))
        session.integrity = integrity
        for event in (*REFUSED_EVENTS, "object.__setattr__"):  # last: from here on, what these refuse is refused
            session.instrumentation.on_audit(event, integrity._audit)
        return integrity

    def _move(self, name: str, module: types.ModuleType) -> None:
        """Moves a grader module to the secret name and leaves a decoy under the public one."""
        hidden = self.secret + name[len(PACKAGE):] if name.startswith(PACKAGE) else f"{self.secret}_{name}"
        old = module.__spec__
        spec = importlib.machinery.ModuleSpec(hidden, old.loader if old else None, origin=old.origin if old else None,
                                              is_package=bool(old and old.submodule_search_locations is not None))
        if old is not None:
            spec.submodule_search_locations = old.submodule_search_locations
            spec.has_location = old.has_location
        # The harness's relative imports resolve through these three, so they keep finding its modules.
        module.__name__, module.__spec__, module.__package__ = hidden, spec, spec.parent
        sys.modules[hidden] = module
        sys.modules[name] = (_PackageDecoy if spec.submodule_search_locations is not None else _Decoy)(name)

    def _seal_module(self, label: str, module: types.ModuleType) -> None:
        namespace = vars(module)
        self.grader_modules.add(module)
        self.grader_globals.append(namespace)
        self.snapshot.add(label, namespace, self._adopt_submodule if hasattr(module, "__path__") else None)
        for value in list(namespace.values()):
            if isinstance(value, type) and value.__module__ in (label, module.__name__):
                self.grader_classes.add(value)
                self._seal_class(value, label)

    def _seal_class(self, cls: type, module_label: str) -> None:
        for klass in cls.__mro__:
            if klass in self.sealed_classes or not klass.__flags__ & HEAP_TYPE:
                continue
            self.sealed_classes.add(klass)
            owner = module_label if klass is cls else klass.__module__
            self.snapshot.add(f"{owner}.{klass.__qualname__}", klass.__dict__)

    def _adopt_submodule(self, key: str, value: Any) -> bool:
        """A harness submodule imported after the seal (under the secret name): sealed from now on."""
        if not isinstance(value, types.ModuleType) or sys.modules.get(f"{self.secret}.{key}") is not value:
            return False
        if value not in self.grader_modules:
            self._seal_module(f"{PACKAGE}.{key}", value)
        return True

    # -- checking -------------------------------------------------------------------

    def verify(self) -> None:
        """Compares the grader's namespaces and the interpreter's hooks with the seal."""
        if not self.snapshot.unchanged():
            self._found(self.snapshot.changes())
        namespaces, names, values, labels = self.replaced
        if not all(map(operator.is_, map(_get, namespaces, names), values)):
            self._found([f"replaced `{label}`, which the grader instruments"
                         for namespace, name, value, label in zip(*self.replaced) if _get(namespace, name) is not value])
        now = dict(_hooks())
        for label, value in self.hooks:
            current = now.get(label)
            if current is value or (type(current) is str and type(value) is str and current == value):
                continue  # monitoring tools are named by strings; every other hook is compared by identity
            self._found([HOOKS.get(label) or f"claimed {label} ({current!r})"])

    def check_trial(self, trial: Trial) -> None:
        """After one run of a scenario: its stand-ins stayed where the grader put them, its objects unpatched."""
        self._found([f"replaced `{name}` while the grader's stand-in for it was installed" for name in trial.displaced_patches()])
        self.check_objects([trial, *trial.fakes])

    def check_loop(self, loop: VirtualClockLoop) -> None:
        """After a loop has run: its clock never went backwards, its methods are its own."""
        rewound = loop.notice_rewind()
        if rewound is not None and not any(finding.startswith(REWOUND) for finding in self.findings):
            reached, now = rewound
            self._found([f"{REWOUND} (from {reached:g} s to {now:g} s)"])
        self.check_objects([loop])

    def check_objects(self, objects: Iterable[Any]) -> None:
        """No instance attribute of these grader objects hides one of their class's methods."""
        for obj in objects:
            cls = type(obj)
            methods = self._methods(cls)
            attributes = getattr(obj, "__dict__", None)
            if attributes and not methods.isdisjoint(attributes):
                self._found([f"replaced `{name}` on the grader's {cls.__qualname__} object"
                             for name in sorted(methods.intersection(attributes), key=str)])

    def conclude(self) -> None:
        """Decides ``tampering`` (called when the report is made, whatever ended the grade)."""
        self.verify()
        results = self.session.results
        if not self.findings:
            results.passed(R.TAMPERING, R.PASS_MESSAGES[R.TAMPERING])
            return
        shown = [f"your code {finding}" for finding in self.findings[:SHOWN]]
        more = f"\n  (and {len(self.findings) - SHOWN} more)" if len(self.findings) > SHOWN else ""
        text = shown[0] if len(shown) == 1 else "\n".join(f"  • {line}" for line in shown)
        results.failed(R.TAMPERING, f"{text}{more}\n{FIX}")

    # -- what the learner did -------------------------------------------------------

    def _found(self, findings: list[str]) -> None:
        for finding in findings:
            if finding not in self.findings:
                self.findings.append(finding)

    def _touched(self, module: str, attribute: str | None, how: str) -> None:
        """The learner's code used a grader module's public name (a decoy, or the finder refusing it)."""
        if attribute is None:
            self._found([f"imported `{module}`, the grader's own module"])
        elif how == "took":
            self._found([f"took `{attribute}` from `{module}`, the grader's own module"])
        else:
            self._found([f"changed `{module}.{attribute}` through the grader's module name"])

    def _audit(self, event: str, args: tuple[Any, ...]) -> None:
        refusal = REFUSED_EVENTS.get(event)
        if refusal is None and event == "object.__setattr__":
            refusal = self._setattr_refusal(*args[:2])
        if refusal is not None:
            self._found([refusal])
            raise Refused(f"asynclings refused it: your code {refusal}")

    def _setattr_refusal(self, obj: Any, name: str) -> str | None:
        """``object.__setattr__`` is audited for the attributes that change what code runs."""
        if name in CODE_ATTRIBUTES and isinstance(obj, types.FunctionType) and any(
                obj.__globals__ is namespace for namespace in self.grader_globals):
            return f"replaced `{self._public(obj.__module__)}.{obj.__qualname__}.{name}`, the grader's own function"
        if name == "__class__" and (type(obj) in self.grader_classes or obj in self.grader_modules):
            return f"changed the class of the grader's {type(obj).__qualname__} object"
        return None

    def _public(self, module_name: str) -> str:
        """A module's public name (functions made after the seal carry the secret one)."""
        return PACKAGE + module_name[len(self.secret):] if module_name.startswith(self.secret + ".") else module_name

    def _methods(self, cls: type) -> frozenset[str]:
        """The names an instance attribute could hide: the methods of ``cls`` and its Python bases."""
        names = self._shadowable.get(cls)
        if names is None:
            names = frozenset(
                name for klass in cls.__mro__ if klass.__flags__ & HEAP_TYPE for name, value in vars(klass).items()
                if not name.startswith("__") and hasattr(type(value), "__get__") and not hasattr(type(value), "__set__"))
            self._shadowable[cls] = names
        return names


class _Tripwire:
    """First on ``sys.meta_path``: refuses importing the grader's modules by their public names."""

    def __init__(self, touched: Callable[[str, str | None, str], None], names: set[str]) -> None:
        self._touched = touched
        self._names = names

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name in self._names or name.startswith(PACKAGE + "."):
            self._touched(name, None, "imported")
            raise ModuleNotFoundError(f"No module named {name!r}: the grader's modules are not importable from an exercise", name=name)
        return None

    def invalidate_caches(self) -> None:
        pass


class _Decoy(types.ModuleType):
    """Stands under a grader module's public name in ``sys.modules`` once the harness has moved out of reach.

    Importing it reads its ``__spec__``, taking anything from it reads a missing
    attribute, changing it sets one: each is reported to ``touched`` (set by the seal).
    Other dunder lookups (``inspect`` and ``pickle`` scanning every module) stay quiet.
    """

    touched: Callable[[str, str | None, str], None] = staticmethod(lambda module, attribute, how: None)

    @property  # type: ignore[misc]
    def __spec__(self) -> None:
        _Decoy.touched(self.__name__, None, "imported")
        return None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        _Decoy.touched(self.__name__, name, "took")
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}: the grader's modules are not available to exercises")

    def __setattr__(self, name: str, value: Any) -> None:
        _Decoy.touched(self.__name__, name, "changed")

    def __delattr__(self, name: str) -> None:
        _Decoy.touched(self.__name__, name, "changed")


class _PackageDecoy(_Decoy):
    """A decoy package: its ``__path__`` is empty, so importing a submodule reaches the finder that refuses it."""

    @property  # type: ignore[misc]
    def __path__(self) -> list[str]:
        return []


def _hooks() -> list[tuple[str, Any]]:
    """The interpreter's hooks that let code watch or steer other code, by name."""
    hooks: list[tuple[str, Any]] = [
        ("sys.settrace", sys.gettrace()), ("sys.setprofile", sys.getprofile()),
        ("threading.settrace", threading.gettrace()), ("threading.setprofile", threading.getprofile()),
    ]
    monitoring = getattr(sys, "monitoring", None)  # 3.12+
    if monitoring is not None:
        hooks += [(f"sys.monitoring tool {tool}", monitoring.get_tool(tool)) for tool in range(6)]
    return hooks


def _get(namespace: Any, name: str) -> Any:
    return namespace.get(name, _MISSING)


def _label(owner: Any) -> str:
    if isinstance(owner, types.ModuleType):
        return owner.__name__
    if isinstance(owner, type):
        return f"{owner.__module__}.{owner.__qualname__}"
    return f"{type(owner).__module__}.{type(owner).__qualname__} object"
