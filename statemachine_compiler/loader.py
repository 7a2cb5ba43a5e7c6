"""Load a workflow's YAML keeping the line and column of every node."""

import yaml

from .diagnostics import CompileError, Diagnostic, Position


def load(text: str, file: str = "") -> tuple[object, dict[tuple, Position]]:
    """Parse YAML text into plain data and a map from each node's path to its position.

    Paths are tuples of mapping keys and sequence indexes: ("tasks", "save", "needs", 0).
    A key's own position is stored under its path; the position of a mapping is its first key.
    Duplicate keys are errors (YAML would silently keep the last one).
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        position = Position(mark.line + 1, mark.column + 1) if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise CompileError([Diagnostic(f"invalid YAML: {problem}", position, file=file)]) from None
    if root is None:
        raise CompileError([Diagnostic("the file is empty", Position(1, 1), file=file)])
    positions: dict[tuple, Position] = {}
    errors: list[Diagnostic] = []
    data = _build(root, (), positions, errors, file)
    if errors:
        raise CompileError(errors)
    return data, positions


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node, path, positions, errors, file):
    positions.setdefault(path, _position(node))
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                errors.append(Diagnostic("a key must be plain text", _position(key_node), file=file))
                continue
            # Keys stay text: YAML 1.1 would turn `on:` or `no:` into booleans.
            key = key_node.value
            child = (*path, key)
            if key in result:
                errors.append(Diagnostic(f"duplicate key '{key}'", _position(key_node), file=file))
                continue
            positions[child] = _position(key_node)
            result[key] = _build(value_node, child, positions, errors, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), positions, errors, file) for i, item in enumerate(node.value)]
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
