"""Load a workflow's YAML keeping the line and column of every node."""

import yaml

from .diagnostics import CompileError, Diagnostic, Position, format_path

# libyaml's parser is ~10x faster and keeps the same node marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str, file: str = "") -> tuple[object, dict[tuple, Position]]:
    """Parse YAML text into plain data and a map from each node's path to its position.

    Paths are tuples of mapping keys and sequence indexes: ("tasks", "save", "needs", 0).
    A key's own position is stored under its path; the position of a mapping is its first key.
    Duplicate keys are errors (YAML would silently keep the last one).
    """
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        position = Position(mark.line + 1, mark.column + 1) if mark else None
        raise CompileError([Diagnostic(f"invalid YAML: {_problem(exc, text)}", position, file=file)]) from None
    if root is None:
        raise CompileError([Diagnostic("the file is empty: a workflow needs at least 'id' and 'tasks'",
                                       Position(1, 1), file=file)])
    positions: dict[tuple, Position] = {}
    errors: list[Diagnostic] = []
    data = _build(root, (), positions, errors, file)
    if errors:
        raise CompileError(errors)
    return data, positions


def _problem(exc: yaml.YAMLError, text: str) -> str:
    """The parser's complaint, with what it was reading and the usual fix for tabs."""
    mark = getattr(exc, "problem_mark", None)
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        return "a tab cannot indent YAML: use spaces"
    problem = getattr(exc, "problem", None) or str(exc)
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark is not None:
        return f"{problem} ({context} that starts on line {context_mark.line + 1})"
    return problem


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node, path, positions, errors, file):
    positions.setdefault(path, _position(node))
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                errors.append(Diagnostic("a key must be plain text, not a list or mapping",
                                         _position(key_node), format_path(path), file=file))
                continue
            # Keys stay text: YAML 1.1 would turn `on:` or `no:` into booleans.
            key = key_node.value
            child = (*path, key)
            if key in result:
                first = positions[child].line
                errors.append(Diagnostic(f"duplicate key '{key}', already set on line {first}: "
                                         "YAML would silently keep only the last one; remove or rename one",
                                         _position(key_node), format_path(child), file=file))
                continue
            positions[child] = _position(key_node)
            result[key] = _build(value_node, child, positions, errors, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), positions, errors, file) for i, item in enumerate(node.value)]
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
