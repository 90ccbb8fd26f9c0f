"""Fast ALFWorld engine: an interpreter of ALFWorld game files that plays exactly like TextWorld.

Stable API (other modules and the generator's tests rely on it)::

    from vera.env.alfworld.engine import load_game, FastALFWorldEnv

    game = load_game("…/game.tw-pddl")      # or a dict with the same keys; cached by path + mtime
    env = FastALFWorldEnv(game, max_steps=50)
    obs, info = env.reset()                 # info: admissible_commands, won, extra.gamefile
    obs, score, done, info = env.step("go to fridge 1")

`obs`, `info["admissible_commands"]` (sorted, deduplicated) and `info["won"]` are the strings and values
that ALFWorld's `AlfredTWEnv` (TextWorld's `PddlEnv` + `AlfredDemangler` + `AlfredInfos`, batch gym env
with `max_episode_steps=50`) returns, step for step: the welcome text on reset, "Nothing happens." for a
command that is not admissible (the step still counts), `done` when won or after `max_steps` steps, and
a frozen last result for any step after `done`.

How it works. A game file holds a PDDL domain, a PDDL problem and a TextWorld grammar. `load_game` parses
the problem (objects, initial facts, goal) into Python sets and compiles the grammar once into small
symbol trees (TextWorld's own tatsu parser is used at compile time so that the grammar is read exactly as
TextWorld reads it; grammars are cached by their text without the task line, so a new game compiles in a
few ms). Actions follow alfred.pddl (GotoLocation, Open/Close, Pickup, Put, Clean/Heat/Cool, Toggle,
Slice, look, inventory, examine, help), implemented directly over fact sets. Text is produced by an
interpreter of TextWorld's context-sensitive grammar that reproduces its rule choice (first rule whose
condition holds) and its query order (facts sorted, nested in predicate order, distinct variables), and
the facts it reads include TextWorld's "not_" facts (added when an effect deletes a fact), which the
grammar's "look" rule uses. Names are demangled the way `AlfredDemangler` does (ids sorted, numbered per
kind from the highest number down).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from vera.errors import DataError

MAX_STEPS = 50
NOTHING_HAPPENS = "Nothing happens."

# Parameter lists of alfred.pddl's actions: (name, type) in declaration order (FD lowercases names).
ACTION_PARAMS: dict[str, tuple[tuple[str, str], ...]] = {
    "look": (("a", "agent"), ("l", "location")),
    "inventory": (("a", "agent"),),
    "help": (("a", "agent"),),
    "examinereceptacle": (("a", "agent"), ("r", "receptacle")),
    "examineobject": (("a", "agent"), ("o", "object")),
    "gotolocation": (("a", "agent"), ("lstart", "location"), ("lend", "location"), ("r", "receptacle")),
    "openobject": (("a", "agent"), ("l", "location"), ("r", "receptacle")),
    "closeobject": (("a", "agent"), ("l", "location"), ("r", "receptacle")),
    "pickupobject": (("a", "agent"), ("l", "location"), ("o", "object"), ("r", "receptacle")),
    "putobject": (("a", "agent"), ("l", "location"), ("o", "object"), ("r", "receptacle"),
                  ("ot", "otype"), ("rt", "rtype")),
    "cleanobject": (("a", "agent"), ("l", "location"), ("r", "receptacle"), ("o", "object")),
    "heatobject": (("a", "agent"), ("l", "location"), ("r", "receptacle"), ("o", "object")),
    "coolobject": (("a", "agent"), ("l", "location"), ("r", "receptacle"), ("o", "object")),
    "toggleobject": (("a", "agent"), ("l", "location"), ("o", "object"), ("r", "receptacle")),
    "sliceobject": (("a", "agent"), ("l", "location"), ("co", "object"), ("ko", "object")),
}

Fact = tuple[str, ...]


# --------------------------------------------------------------------------------------------------
# PDDL problem parsing
# --------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def _sexpr(text: str) -> list[Any]:
    """Parse PDDL text (comments stripped, lowercased) into nested lists."""
    text = re.sub(r";[^\n]*", "", text).lower()
    stack: list[list[Any]] = [[]]
    for token in _TOKEN.findall(text):
        if token == "(":
            stack.append([])
        elif token == ")":
            if len(stack) < 2:
                raise ValueError("unbalanced ')'")
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(token)
    if len(stack) != 1:
        raise ValueError("unbalanced '('")
    return stack[0]


def _typed_list(items: list[str]) -> list[tuple[str, str]]:
    """`a b - t c - u` -> [(a, t), (b, t), (c, u)] (untyped names get 'object')."""
    out: list[tuple[str, str]] = []
    pending: list[str] = []
    i = 0
    while i < len(items):
        if items[i] == "-" and i + 1 < len(items):
            out.extend((name, items[i + 1]) for name in pending)
            pending = []
            i += 2
        else:
            pending.append(items[i])
            i += 1
    out.extend((name, "object") for name in pending)
    return out


@dataclass
class Problem:
    """A parsed PDDL problem: object types, initial facts and the goal formula."""

    types: dict[str, str]
    init: list[Fact]
    goal: Any


def parse_problem(text: str) -> Problem:
    tree = _sexpr(text)
    define = next((x for x in tree if isinstance(x, list) and x and x[0] == "define"), None)
    if define is None:
        raise ValueError("no (define (problem ...)) form")
    sections = {x[0]: x[1:] for x in define[1:] if isinstance(x, list) and x and isinstance(x[0], str)}
    if ":objects" not in sections or ":init" not in sections or ":goal" not in sections:
        raise ValueError("problem lacks :objects, :init or :goal")
    types = dict(_typed_list(sections[":objects"]))
    init: list[Fact] = []
    for atom in sections[":init"]:
        if not isinstance(atom, list) or not atom or atom[0] == "=":
            continue
        if atom[0] == "not":
            continue
        if not all(isinstance(a, str) for a in atom):
            raise ValueError(f"unexpected initial fact {atom}")
        init.append(tuple(atom))
    goal = sections[":goal"][0] if sections[":goal"] else ["and"]
    return Problem(types=types, init=init, goal=goal)


# --------------------------------------------------------------------------------------------------
# Demangling (AlfredDemangler)
# --------------------------------------------------------------------------------------------------

def demangle_names(ids: list[str]) -> dict[str, str]:
    """Names such as 'apple 1' for PDDL ids, numbered exactly as alfworld's Demangler(shuffle=False)."""
    ordered = sorted(ids)
    counts: Counter[str] = Counter()
    for id_ in ordered:
        parts = id_.split("_bar_", 1)
        if len(parts) > 1:
            name = parts[0] + ("basin" if "basin" in id_ else "")
            counts[name] += 1
    numbers = {name: list(range(1, count + 1)) for name, count in counts.items()}
    names: dict[str, str] = {}
    for id_ in ordered:
        text = (id_.replace("_bar_", "|").replace("_minus_", "-").replace("_plus_", "+")
                .replace("_dot_", ".").replace("_comma_", ","))
        parts = text.split("|", 1)
        if len(parts) == 1:
            names[id_] = f"{text} "
        else:
            name = parts[0] + ("basin" if "basin" in id_ else "")
            names[id_] = f"{name} {numbers[name].pop()}"
    return names


# --------------------------------------------------------------------------------------------------
# Grammar compilation
# --------------------------------------------------------------------------------------------------

Query = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # ((pred, ((ph, type), ...)), ...)


@dataclass
class Sym:
    """One compiled grammar symbol. kind: t (text), n (nonterminal), e (eval), c (conditional), l (list)."""

    kind: str
    text: str = ""
    code: Any = None
    inner: Sym | None = None
    given: Query | None = None


@dataclass
class Grammar:
    rules: dict[str, list[tuple[Query | None, list[Sym]]]]
    templates: dict[str, list[Sym]]  # action name -> command template
    feedback: dict[str, list[Sym]]  # action name -> feedback symbols


_QUERY_CACHE: dict[str, Query] = {}


def _compile_query(expr: str | None) -> Query | None:
    if not expr or not expr.strip():
        return None
    cached = _QUERY_CACHE.get(expr)
    if cached is None:
        from textworld.logic import Rule

        rule = Rule.parse_conjunctive_query(expr)
        cached = tuple((pred.name, tuple((ph.name, ph.type) for ph in pred.parameters))
                       for pred in rule.preconditions)
        _QUERY_CACHE[expr] = cached
    return cached


def _convert(symbol: Any) -> Sym:
    from textworld.envs.pddl import textgen as tg

    if isinstance(symbol, tg.TerminalSymbol):
        return Sym("t", text=str(symbol.symbol))
    if isinstance(symbol, tg.NonterminalSymbol):
        return Sym("n", text=str(symbol.symbol))
    if isinstance(symbol, tg.EvalSymbol):
        return Sym("e", text=symbol.expression, code=_compile_expression(symbol.expression))
    if isinstance(symbol, tg.ConditionalSymbol):
        return Sym("c", inner=_convert(symbol.expression), given=_compile_query(symbol.given))
    if isinstance(symbol, tg.ListSymbol):
        return Sym("l", inner=_convert(symbol.symbol))
    raise ValueError(f"unknown grammar symbol {symbol!r}")


_ATTRIBUTE = re.compile(r"^\s*([A-Za-z_]\w*)\.(name|indefinite|definite|id)\s*$")
_ARTICLE_NAME = re.compile(r"^\s*([A-Za-z_]\w*)\.indefinite\s*\+\s*' '\s*\+\s*\1\.name\s*$")
_NAME_OR_ID = re.compile(r"^\s*([A-Za-z_]\w*)\.name\s+or\s+\1\.id\s*$")


def _compile_expression(expression: str) -> Any:
    """A function of the variables for a grammar expression; the common shapes skip `eval`."""
    if match := _ATTRIBUTE.match(expression):
        var, attribute = match.groups()
        return lambda variables: str(getattr(variables[var], attribute))
    if match := _ARTICLE_NAME.match(expression):
        var = match.group(1)
        return lambda variables: f"{variables[var].indefinite} {variables[var].name}"
    if match := _NAME_OR_ID.match(expression):
        var = match.group(1)
        return lambda variables: str(variables[var].name or variables[var].id)
    code = compile(expression, "<grammar>", "eval")
    return lambda variables: str(eval(code, {}, dict(variables)))  # noqa: S307 - the game's own grammar


def _parse_symbols(text: str) -> list[Sym]:
    from textworld.envs.pddl.textgen import _parse_and_convert

    return [_convert(s) for s in _parse_and_convert(text, rule_name="symbols")]


_TASK_RULE = re.compile(r'("task"\s*:\s*\[\s*\{\s*"rhs"\s*:\s*")((?:[^"\\]|\\.)*)(")')
_TASK_SENTINEL = "VERA_TASK_SENTINEL"
_GRAMMAR_CACHE: dict[str, Grammar] = {}


def compile_grammar(text: str) -> Grammar:
    """Compile a game's grammar; the part shared by all games is compiled once and cached."""
    match = _TASK_RULE.search(text)
    task_rhs = None
    key = text
    if match is not None:
        task_rhs = json.loads('"' + match.group(2) + '"')
        key = text[: match.start(2)] + _TASK_SENTINEL + text[match.end(2):]
    base = _GRAMMAR_CACHE.get(key)
    if base is None:
        base = _compile_grammar_text(key)
        _GRAMMAR_CACHE[key] = base
    if task_rhs is None:
        return base
    rules = dict(base.rules)
    rules["task"] = [(None, _parse_symbols(task_rhs))]
    return Grammar(rules=rules, templates=base.templates, feedback=base.feedback)


def _compile_grammar_text(text: str) -> Grammar:
    from textworld.envs.pddl.logic import _parse_and_convert

    actions, csg = _parse_and_convert(text, rule_name="pddlStart")
    rules: dict[str, list[tuple[Query | None, list[Sym]]]] = {}
    for name, productions in csg._rules.items():
        rules[name] = [(_compile_query(p.condition), [_convert(s) for s in p.rhs]) for p in productions]
    templates = {name: _parse_symbols(a.template) for name, a in actions.items()}
    feedback = {name: _parse_symbols(a.feedback_rule) for name, a in actions.items()}
    return Grammar(rules=rules, templates=templates, feedback=feedback)


# --------------------------------------------------------------------------------------------------
# Compiled game
# --------------------------------------------------------------------------------------------------

class Entity:
    """What grammar expressions see as `o`, `r`, ...: TextWorld's EntityInfo fields that ALFWorld uses."""

    __slots__ = ("id", "type", "name", "definite", "indefinite")

    def __init__(self, id_: str, type_: str, name: str) -> None:
        self.id = id_
        self.type = type_
        self.name = name
        self.definite = "the"
        self.indefinite = "a"

    def __str__(self) -> str:
        return self.name


@dataclass
class CompiledGame:
    """A parsed, compiled game: everything a reset needs, shared by all envs that play it."""

    path: str | None
    data: Mapping[str, Any]
    types: dict[str, str]
    init: frozenset[Fact]
    goal: Any
    grammar: Grammar
    entities: dict[str, Entity]
    agent: str
    walkthrough: list[str]
    receptacles_at: dict[str, list[str]] = field(default_factory=dict)
    receptacle_locations: dict[str, list[str]] = field(default_factory=dict)
    receptacle_type: dict[str, str] = field(default_factory=dict)
    object_type: dict[str, str] = field(default_factory=dict)
    can_contain: frozenset[tuple[str, str]] = frozenset()
    has_help: bool = False
    command_cache: dict[Any, str] = field(default_factory=dict)
    init_by_predicate: dict[str, frozenset[tuple[str, ...]]] = field(default_factory=dict)
    goto_cache: dict[str, list[Any]] = field(default_factory=dict)
    static_sorted: dict[str, dict[tuple[str | None, ...], list[tuple[str, ...]]]] = field(default_factory=dict)

    @property
    def task(self) -> str:
        """The goal sentence, e.g. 'put a hot apple in diningtable.'."""
        text = derive_rule(self, "task", _State.initial(self), {}, {}) if "task" in self.grammar.rules else ""
        return text.removeprefix("Your task is to: ")


_GAME_CACHE: dict[tuple[str, float, int], CompiledGame] = {}
_REQUIRED_KEYS = ("pddl_domain", "grammar", "pddl_problem")


def load_game(source: str | os.PathLike[str] | Mapping[str, Any]) -> CompiledGame:
    """Load and compile a game file (JSON with pddl_domain, grammar, pddl_problem[, walkthrough]).

    Raises DataError naming the file and what is wrong when it cannot be read or compiled.
    """
    if isinstance(source, Mapping):
        return _compile_game(None, source)
    path = os.fspath(source)
    try:
        stat = os.stat(path)
    except OSError as exc:
        raise DataError(f"game file {path} cannot be read ({exc.strerror}); check the path") from None
    key = (path, stat.st_mtime, stat.st_size)
    cached = _GAME_CACHE.get(key)
    if cached is not None:
        return cached
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"game file {path} is not valid JSON ({exc}); re-extract or regenerate it") from None
    game = _compile_game(path, data)
    _GAME_CACHE[key] = game
    return game


def _compile_game(path: str | None, data: Mapping[str, Any]) -> CompiledGame:
    where = path or "<game data>"
    if not isinstance(data, Mapping):
        raise DataError(f"game file {where} must hold a JSON object with keys {', '.join(_REQUIRED_KEYS)}")
    missing = [k for k in _REQUIRED_KEYS if not isinstance(data.get(k), str) or not data.get(k)]
    if missing:
        raise DataError(f"game file {where} lacks {', '.join(missing)}; it is incomplete - re-extract or "
                        "regenerate it")
    try:
        problem = parse_problem(data["pddl_problem"])
    except ValueError as exc:
        raise DataError(f"game file {where}: pddl_problem is malformed ({exc})") from None
    try:
        grammar = compile_grammar(data["grammar"])
    except Exception as exc:  # tatsu raises its own error types
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"game file {where}: grammar cannot be parsed ({first})") from None
    domain_text = re.sub(r";[^\n]*", "", data["pddl_domain"]).lower()
    domain_actions = set(re.findall(r"\(:action\s+(\S+)", domain_text))
    if not domain_actions:
        raise DataError(f"game file {where}: pddl_domain defines no actions")
    unsupported = sorted(domain_actions - set(ACTION_PARAMS))
    if unsupported:
        raise DataError(f"game file {where}: pddl_domain has actions the fast engine does not implement "
                        f"({', '.join(unsupported)}); use backend='textworld'")
    agents = [name for name, type_ in problem.types.items() if type_ == "agent"]
    if len(agents) != 1:
        raise DataError(f"game file {where}: expected exactly one agent object, found {len(agents)}")

    types = dict(problem.types)
    ids = sorted({arg for fact in problem.init for arg in fact[1:]})
    undeclared = [i for i in ids if i not in types]
    if undeclared:
        raise DataError(f"game file {where}: facts mention undeclared objects ({', '.join(undeclared[:3])})")
    names = demangle_names(ids)
    entities = {i: Entity(i, types[i], names[i]) for i in ids}
    for name, type_ in types.items():  # objects that appear in no fact keep their id as name
        entities.setdefault(name, Entity(name, type_, name))
    init = frozenset(problem.init)

    receptacles_at: dict[str, list[str]] = defaultdict(list)
    receptacle_locations: dict[str, list[str]] = defaultdict(list)
    receptacle_type: dict[str, str] = {}
    object_type: dict[str, str] = {}
    can_contain: set[tuple[str, str]] = set()
    for fact in init:
        if fact[0] == "receptacleatlocation":
            receptacles_at[fact[2]].append(fact[1])
            receptacle_locations[fact[1]].append(fact[2])
        elif fact[0] == "receptacletype":
            receptacle_type[fact[1]] = fact[2]
        elif fact[0] == "objecttype":
            object_type[fact[1]] = fact[2]
        elif fact[0] == "cancontain":
            can_contain.add((fact[1], fact[2]))
    for values in (*receptacles_at.values(), *receptacle_locations.values()):
        values.sort()
    walkthrough = data.get("walkthrough") or []
    by_predicate: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for fact in init:
        by_predicate[fact[0]].add(fact[1:])
    game = CompiledGame(
        path=path, data=data, types=types, init=init, goal=flatten_goal(problem.goal), grammar=grammar,
        entities=entities, agent=agents[0], walkthrough=list(walkthrough),
        receptacles_at=dict(receptacles_at), receptacle_locations=dict(receptacle_locations),
        receptacle_type=receptacle_type, object_type=object_type, can_contain=frozenset(can_contain),
        has_help="help" in grammar.templates and "help" in domain_actions,
        init_by_predicate={p: frozenset(v) for p, v in by_predicate.items()},
    )
    return game


# --------------------------------------------------------------------------------------------------
# State, queries and text
# --------------------------------------------------------------------------------------------------

MUTABLE_PREDICATES = frozenset({
    "atlocation", "opened", "checked", "inreceptacle", "holds", "holdsany", "objectatlocation", "isclean",
    "ishot", "iscool", "ison", "istoggled", "issliced",
})
"""Predicates that alfred.pddl's effects change; the others are static for a whole game."""


class _State:
    """Facts as TextWorld's PddlState holds them: true facts plus 'not_' facts left by delete effects.

    Sorted fact lists (the order TextWorld's queries walk) are cached: per game for static predicates,
    per state for the ones effects change (dropped when they change).
    """

    __slots__ = ("facts", "game", "_sorted")

    def __init__(self, game: CompiledGame, facts: dict[str, set[tuple[str, ...]]]) -> None:
        self.game = game
        self.facts = facts
        self._sorted: dict[str, dict[tuple[str | None, ...], list[tuple[str, ...]]]] = {}

    @classmethod
    def initial(cls, game: CompiledGame) -> _State:
        facts: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for pred, args in game.init_by_predicate.items():
            facts[pred] = set(args)
        return cls(game, facts)

    def has(self, pred: str, *args: str) -> bool:
        return args in self.facts.get(pred, ())

    def sorted_facts(self, pred: str, wanted: tuple[str | None, ...]) -> list[tuple[str, ...]]:
        """Facts of `pred` whose argument types are `wanted`, sorted as TextWorld sorts Propositions."""
        mutable = pred in MUTABLE_PREDICATES or pred.startswith("not_")
        cache = self._sorted if mutable else self.game.static_sorted
        by_types = cache.get(pred)
        if by_types is None:
            by_types = cache[pred] = {}
        found = by_types.get(wanted)
        if found is None:
            types = self.game.types
            found = [args for args in sorted(self.facts.get(pred, ()))
                     if tuple(types.get(a) for a in args) == wanted]
            by_types[wanted] = found
        return found

    def indexed_facts(self, pred: str, wanted: tuple[str | None, ...], position: int, value: str
                      ) -> list[tuple[str, ...]]:
        """`sorted_facts` restricted to facts whose argument at `position` is `value` (same order)."""
        mutable = pred in MUTABLE_PREDICATES or pred.startswith("not_")
        cache: dict[Any, Any] = (self._sorted if mutable else self.game.static_sorted).setdefault(pred, {})
        key = ("@", wanted, position)
        index = cache.get(key)
        if index is None:
            index = {}
            for args in self.sorted_facts(pred, wanted):
                index.setdefault(args[position], []).append(args)
            cache[key] = index
        return index.get(value, [])

    def add(self, pred: str, *args: str) -> None:
        negated = self.facts["not_" + pred]
        if args in negated:
            negated.discard(args)
            self._sorted.pop("not_" + pred, None)
        present = self.facts[pred]
        if args not in present:
            present.add(args)
            self._sorted.pop(pred, None)

    def delete(self, pred: str, *args: str) -> None:
        present = self.facts[pred]
        if args in present:
            present.discard(args)
            self._sorted.pop(pred, None)
        negated = self.facts["not_" + pred]
        if args not in negated:
            negated.add(args)
            self._sorted.pop("not_" + pred, None)


def _assignments(state: _State, query: Query, mapping: dict[tuple[str, str], str]
                 ) -> Iterator[dict[tuple[str, str], str]]:
    """All bindings of a conjunctive query, in TextWorld's order (State.all_assignments)."""
    wanted_by_depth = [tuple(t for _, t in params) for _, params in query]
    mapping = dict(mapping)
    used = set(mapping.values())
    seen = set(mapping)
    new_by_depth: list[list[tuple[str, str]]] = []
    bound_position: list[int | None] = []  # an argument already bound when this predicate is matched
    for _, params in query:
        bound_position.append(next((i for i, ph in enumerate(params) if ph in seen), None))
        new = [ph for ph in params if ph not in seen]
        seen.update(new)
        new_by_depth.append(new)

    def walk(depth: int) -> Iterator[dict[tuple[str, str], str]]:
        if depth == len(query):
            yield dict(mapping)
            return
        pred, params = query[depth]
        position = bound_position[depth]
        if position is None:
            candidates = state.sorted_facts(pred, wanted_by_depth[depth])
        else:
            candidates = state.indexed_facts(pred, wanted_by_depth[depth], position, mapping[params[position]])
        for args in candidates:
            ok = True
            for ph, var in zip(params, args, strict=True):
                existing = mapping.get(ph)
                if existing is None:
                    if var in used:
                        ok = False
                        break
                    mapping[ph] = var
                    used.add(var)
                elif existing != var:
                    ok = False
                    break
            if ok:
                yield from walk(depth + 1)
            for ph in new_by_depth[depth]:
                var = mapping.pop(ph, None)
                used.discard(var)

    return walk(0)


def _derive(game: CompiledGame, sym: Sym, state: _State, variables: dict[str, Entity],
            mapping: dict[tuple[str, str], str]) -> str:
    kind = sym.kind
    if kind == "t":
        return sym.text
    if kind == "n":
        return derive_rule(game, sym.text, state, variables, mapping)
    if kind == "e":
        return sym.code(variables)
    if kind == "c":
        assert sym.inner is not None
        if sym.given is None:
            return _derive(game, sym.inner, state, variables, mapping)
        return "".join(_derive(game, sym.inner, state, v, m)
                       for v, m in _query_contexts(game, sym.given, state, variables, mapping))
    if kind == "l":
        inner = sym.inner
        assert inner is not None
        if inner.kind == "c" and inner.given is not None:
            items = [_derive(game, inner.inner, state, v, m)  # type: ignore[arg-type]
                     for v, m in _query_contexts(game, inner.given, state, variables, mapping)]
        else:
            items = [_derive(game, inner, state, variables, mapping)]
        if not items:
            return derive_rule(game, "list_empty", state, variables, mapping)
        if len(items) == 1:
            return items[0]
        sep = derive_rule(game, "list_separator", state, variables, mapping)
        last = derive_rule(game, "list_last_separator", state, variables, mapping)
        return sep.join(items[:-1]) + last + items[-1]
    raise ValueError(f"unknown symbol kind {kind}")


def _query_contexts(game: CompiledGame, query: Query, state: _State, variables: dict[str, Entity],
                    mapping: dict[tuple[str, str], str]
                    ) -> Iterator[tuple[dict[str, Entity], dict[tuple[str, str], str]]]:
    entities = game.entities
    for found in _assignments(state, query, mapping):
        new_vars = dict(variables)
        for (ph, _), var in found.items():
            new_vars[ph] = entities[var]
        yield new_vars, found


def derive_rule(game: CompiledGame, name: str, state: _State, variables: dict[str, Entity],
                mapping: dict[tuple[str, str], str]) -> str:
    """Expand `#name#`: the first production whose condition holds, as ContextSensitiveGrammar.replace."""
    productions = game.grammar.rules.get(name)
    if not productions:
        raise DataError(f"game grammar has no rule #{name}#")
    for condition, rhs in productions:
        if condition is None or next(_assignments(state, condition, mapping), None) is not None:
            return "".join(_derive(game, s, state, variables, mapping) for s in rhs)
    raise DataError(f"no production of #{name}# applies")


# --------------------------------------------------------------------------------------------------
# Goal evaluation
# --------------------------------------------------------------------------------------------------

def _holds(state: _State, formula: Any, binding: dict[str, str]) -> bool:
    head = formula[0] if formula else "and"
    if head == "and":
        return all(_holds(state, f, binding) for f in formula[1:])
    if head == "or":
        return any(_holds(state, f, binding) for f in formula[1:])
    if head == "not":
        return not _holds(state, formula[1], binding)
    if head == "imply":
        return (not _holds(state, formula[1], binding)) or _holds(state, formula[2], binding)
    if head in ("exists", "forall"):
        variables = _typed_list_cached(formula[1])
        body = formula[2]
        if head == "exists":
            return any(True for _ in _satisfy(state, variables, body, binding))
        domain = state.game.types
        return all(_holds(state, body, {**binding, **dict(zip([v for v, _ in variables], combo, strict=True))})
                   for combo in _product([[o for o, t in domain.items() if t == vt] for _, vt in variables]))
    if head == "=":
        return binding.get(formula[1], formula[1]) == binding.get(formula[2], formula[2])
    args = tuple(binding.get(a, a) for a in formula[1:])
    return state.has(head, *args)


_TYPED_CACHE: dict[tuple[str, ...], list[tuple[str, str]]] = {}


def _typed_list_cached(items: list[str]) -> list[tuple[str, str]]:
    key = tuple(items)
    found = _TYPED_CACHE.get(key)
    if found is None:
        found = _TYPED_CACHE[key] = _typed_list(items)
    return found


def _quantified_names(formula: Any, out: list[str]) -> list[str]:
    if isinstance(formula, list) and formula:
        if formula[0] in ("exists", "forall") and len(formula) == 3:
            out.extend(v for v, _ in _typed_list(formula[1]))
            _quantified_names(formula[2], out)
        else:
            for child in formula[1:]:
                _quantified_names(child, out)
    return out


def flatten_goal(goal: Any) -> Any:
    """Merge nested `exists` into one so goal checks join all their atoms at once (same truth value).

    `exists x (exists y B)` and `exists x (and A (exists y B))` become `exists x y (and A B)`; done only
    when every quantified variable name in the goal is distinct, so no variable is captured.
    """
    names = _quantified_names(goal, [])
    if len(names) != len(set(names)):
        return goal

    def flat(formula: Any) -> Any:
        if not isinstance(formula, list) or not formula:
            return formula
        head = formula[0]
        if head == "exists" and len(formula) == 3:
            variables = list(formula[1])
            body = flat(formula[2])
            if isinstance(body, list) and body and body[0] == "exists":
                return ["exists", variables + list(body[1]), body[2]]
            if isinstance(body, list) and body and body[0] == "and":
                conjuncts: list[Any] = []
                for child in body[1:]:
                    if isinstance(child, list) and child and child[0] == "exists":
                        variables += list(child[1])
                        inner = child[2]
                        conjuncts.extend(inner[1:] if inner and inner[0] == "and" else [inner])
                    else:
                        conjuncts.append(child)
                return ["exists", variables, ["and", *conjuncts]]
            return ["exists", variables, body]
        if head in ("and", "or", "not", "imply", "forall"):
            return [head, *[flat(child) if isinstance(child, list) and child and not (
                head == "forall" and child is formula[1]) else child for child in formula[1:]]]
        return formula

    return flat(goal)


def _product(lists: list[list[str]]) -> Iterator[tuple[str, ...]]:
    if not lists:
        yield ()
        return
    for head in lists[0]:
        for rest in _product(lists[1:]):
            yield (head, *rest)


def _satisfy(state: _State, variables: list[tuple[str, str]], body: Any, binding: dict[str, str]
             ) -> Iterator[dict[str, str]]:
    """Bindings of `variables` that make `body` true, joining positive atoms first (fast for ALFWorld goals)."""
    conjuncts = body[1:] if body and body[0] == "and" else [body]
    atoms = [c for c in conjuncts if c and c[0] not in ("and", "or", "not", "exists", "forall", "imply", "=")]
    others = [c for c in conjuncts if c not in atoms]
    free = {v for v, _ in variables}
    var_types = dict(variables)

    def join(remaining: list[Any], current: dict[str, str]) -> Iterator[dict[str, str]]:
        if not remaining:
            unbound = [v for v in free if v not in current]
            domain = state.game.types
            for combo in _product([[o for o, t in domain.items() if t == var_types[v]] for v in unbound]):
                full = {**current, **dict(zip(unbound, combo, strict=True))}
                if all(_holds(state, c, full) for c in others):
                    yield full
            return
        # Fully bound atoms are membership tests; otherwise join the atom with the fewest facts first.
        best_index, best_size = 0, None
        for index, atom in enumerate(remaining):
            if all(a not in free or a in current for a in atom[1:]):
                if not state.has(atom[0], *(current.get(a, a) for a in atom[1:])):
                    return
                yield from join(remaining[:index] + remaining[index + 1:], current)
                return
            size = len(state.facts.get(atom[0], ()))
            if best_size is None or size < best_size:
                best_index, best_size = index, size
        atom = remaining[best_index]
        rest = remaining[:best_index] + remaining[best_index + 1:]
        pattern = [current.get(a, a) for a in atom[1:]]
        for args in state.facts.get(atom[0], ()):
            if len(args) != len(pattern):
                continue
            extended = dict(current)
            ok = True
            for p, a in zip(pattern, args, strict=True):
                if p in free and p not in extended:
                    if var_types[p] != state.game.types.get(a):
                        ok = False
                        break
                    extended[p] = a
                elif extended.get(p, p) != a:
                    ok = False
                    break
            if ok:
                yield from join(rest, extended)

    return join(list(atoms), dict(binding))


# --------------------------------------------------------------------------------------------------
# Actions
# --------------------------------------------------------------------------------------------------

class GroundAction(NamedTuple):
    """An alfred.pddl action with its arguments, in the domain's parameter order."""

    name: str
    args: tuple[str, ...]


def applicable_actions(game: CompiledGame, state: _State) -> list[GroundAction]:
    """Every ground alfred.pddl action whose precondition holds."""
    facts = state.facts
    agent = game.agent
    out: list[GroundAction] = []
    holding = sorted(o for a, o in facts.get("holds", ()) if a == agent)
    holds_any = (agent,) in facts.get("holdsany", ())
    opened = facts.get("opened", set())
    openable = facts.get("openable", set())
    in_receptacle = facts.get("inreceptacle", set())
    contents: dict[str, list[str]] = defaultdict(list)
    for o, r in in_receptacle:
        contents[r].append(o)
    locations = sorted(loc for a, loc in facts.get("atlocation", ()) if a == agent)
    out.append(GroundAction("inventory", (agent,)))
    if game.has_help:
        out.append(GroundAction("help", (agent,)))
    for o in holding:
        out.append(GroundAction("examineobject", (agent, o)))
    pickupable = facts.get("pickupable", set())
    toggleable = facts.get("toggleable", set())
    for loc in locations:
        out.append(GroundAction("look", (agent, loc)))
        here = game.receptacles_at.get(loc, [])
        out.extend(gotos_from(game, loc))
        for r in here:
            out.append(GroundAction("examinereceptacle", (agent, r)))
            is_openable = (r,) in openable
            is_open = (r,) in opened
            if is_openable:
                out.append(GroundAction("closeobject" if is_open else "openobject", (agent, loc, r)))
            accessible = (not is_openable) or is_open
            for o in contents.get(r, ()):
                # examineObject's first disjunct (object in an open receptacle here) never grounds in
                # TextWorld's translation: only held objects can be examined (measured).
                if accessible:
                    if not holds_any and (o,) in pickupable:
                        out.append(GroundAction("pickupobject", (agent, loc, o, r)))
                if (o,) in toggleable:
                    out.append(GroundAction("toggleobject", (agent, loc, o, r)))
            rtype = game.receptacle_type.get(r)
            for o in holding:
                otype = game.object_type.get(o)
                if accessible and otype is not None and rtype is not None and (rtype, otype) in game.can_contain:
                    out.append(GroundAction("putobject", (agent, loc, o, r, otype, rtype)))
                if rtype in ("sinktype", "sinkbasintype") and (o,) in facts.get("cleanable", ()):
                    out.append(GroundAction("cleanobject", (agent, loc, r, o)))
                if rtype == "microwavetype" and (o,) in facts.get("heatable", ()):
                    out.append(GroundAction("heatobject", (agent, loc, r, o)))
                if rtype == "fridgetype" and (o,) in facts.get("coolable", ()):
                    out.append(GroundAction("coolobject", (agent, loc, r, o)))
        knives = [k for k in holding if game.object_type.get(k) in ("knifetype", "butterknifetype")]
        if knives:
            for co, l2 in sorted(facts.get("objectatlocation", ())):
                if l2 == loc and (co,) in facts.get("sliceable", ()):
                    for ko in knives:
                        out.append(GroundAction("sliceobject", (agent, loc, co, ko)))
    return out


def gotos_from(game: CompiledGame, loc: str) -> list[GroundAction]:
    """GotoLocation actions from `loc`: every receptacle at another location (static, cached per game)."""
    found = game.goto_cache.get(loc)
    if found is None:
        found = [GroundAction("gotolocation", (game.agent, loc, lend, r))
                 for lend, receptacles in game.receptacles_at.items() if lend != loc for r in receptacles]
        game.goto_cache[loc] = found
    return found


def apply_action(state: _State, action: GroundAction) -> None:
    """The effects of alfred.pddl, as TextWorld records them (deletes leave 'not_' facts)."""
    name, args = action.name, action.args
    if name == "gotolocation":
        a, lstart, lend, _ = args
        state.delete("atlocation", a, lstart)
        state.add("atlocation", a, lend)
    elif name == "openobject":
        state.add("opened", args[2])
        state.add("checked", args[2])
    elif name == "closeobject":
        state.delete("opened", args[2])
    elif name == "pickupobject":
        a, loc, o, r = args
        state.delete("inreceptacle", o, r)
        state.add("holds", a, o)
        state.add("holdsany", a)
        state.delete("objectatlocation", o, loc)
    elif name == "putobject":
        a, loc, o, r = args[:4]
        state.add("inreceptacle", o, r)
        state.add("objectatlocation", o, loc)
        state.delete("holds", a, o)
        state.delete("holdsany", a)
    elif name == "cleanobject":
        state.add("isclean", args[3])
    elif name == "heatobject":
        state.add("ishot", args[3])
        state.delete("iscool", args[3])
    elif name == "coolobject":
        state.add("iscool", args[3])
        state.delete("ishot", args[3])
    elif name == "toggleobject":
        o = args[2]
        if state.has("ison", o):
            state.delete("ison", o)
        else:
            state.add("ison", o)
        state.add("istoggled", o)
    elif name == "sliceobject":
        state.add("issliced", args[2])
    elif name == "look":
        state.add("checked", args[1])
    elif name in ("inventory", "help"):
        state.add("checked", args[0])
    elif name in ("examinereceptacle", "examineobject"):
        state.add("checked", args[1])


def _context(game: CompiledGame, action: GroundAction) -> tuple[dict[str, Entity], dict[tuple[str, str], str]]:
    params = ACTION_PARAMS[action.name]
    mapping = {param: arg for param, arg in zip(params, action.args, strict=True)}
    variables = {param[0]: game.entities[arg] for param, arg in mapping.items()}
    return variables, mapping


def command_of(game: CompiledGame, state: _State, action: GroundAction) -> str:
    """The command text of a ground action (its grammar template; cached, templates read static facts)."""
    key = action
    command = game.command_cache.get(key)
    if command is None:
        variables, mapping = _context(game, action)
        template = game.grammar.templates[action.name]
        command = "".join(_derive(game, s, state, variables, mapping) for s in template)
        game.command_cache[key] = command
    return command


def feedback_of(game: CompiledGame, state: _State, action: GroundAction) -> str:
    variables, mapping = _context(game, action)
    return "".join(_derive(game, s, state, variables, mapping) for s in game.grammar.feedback[action.name])


# --------------------------------------------------------------------------------------------------
# The environment
# --------------------------------------------------------------------------------------------------

class FastALFWorldEnv:
    """One game played with ALFWorld's observable behaviour (see the module docstring)."""

    def __init__(self, game: CompiledGame | str | os.PathLike[str] | Mapping[str, Any],
                 max_steps: int = MAX_STEPS) -> None:
        self.game = game if isinstance(game, CompiledGame) else load_game(game)
        self.max_steps = max_steps
        self._state: _State | None = None
        self._commands: dict[str, GroundAction] = {}
        self._last: tuple[str, float, bool, dict[str, Any]] | None = None
        self.steps = 0
        self.won = False

    # -- internals ------------------------------------------------------------------------------
    def _infos(self) -> dict[str, Any]:
        assert self._state is not None
        commands: dict[str, GroundAction] = {}
        cache = self.game.command_cache
        for action in applicable_actions(self.game, self._state):
            command = cache.get(action) or command_of(self.game, self._state, action)
            if command not in commands:
                commands[command] = action
        self._commands = commands
        self.won = _holds(self._state, self.game.goal, {})
        return {"admissible_commands": sorted(commands), "won": self.won, "extra.gamefile": self.game.path}

    # -- API ------------------------------------------------------------------------------------
    def reset(self) -> tuple[str, dict[str, Any]]:
        """Start the game: the welcome text and the first admissible commands."""
        self._state = _State.initial(self.game)
        self.steps = 0
        obs = derive_rule(self.game, "intro", self._state, {}, {})
        infos = self._infos()
        self._last = (obs, 1.0 if self.won else 0.0, False, infos)
        return obs, infos

    def step(self, command: str) -> tuple[str, float, bool, dict[str, Any]]:
        """Play one command; after `done` the last result repeats, as in ALFWorld's batch env."""
        if self._state is None or self._last is None:
            raise RuntimeError("call reset() before step()")
        if self._last[2]:
            return self._last
        action = self._commands.get(command.strip())
        if action is None:
            obs = NOTHING_HAPPENS
        else:
            apply_action(self._state, action)
            obs = feedback_of(self.game, self._state, action)
        infos = self._infos()
        self.steps += 1
        score = 1.0 if self.won else 0.0
        done = self.won or self.steps >= self.max_steps
        self._last = (obs, score, done, infos)
        return self._last

    @property
    def admissible_commands(self) -> list[str]:
        return list(self._last[3]["admissible_commands"]) if self._last else []

    def facts(self) -> set[str]:
        """Current facts as 'pred(arg, ...)' strings, for debugging."""
        assert self._state is not None
        return {f"{p}({', '.join(args)})" for p, s in self._state.facts.items() for args in s}
