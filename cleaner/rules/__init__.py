"""Rules: loading (TOML, adblock filters), compiling (one automaton, one RE2 set) and judging."""

from ._engine import DETECTORS, RuleEngine
from ._load import check_unique, default_rules_dir, load_rules
from ._rule import Rule

__all__ = ["DETECTORS", "Rule", "RuleEngine", "check_unique", "default_rules_dir", "load_rules"]
