"""Rules: loading (TOML, adblock filters), compiling (one automaton, one RE2 set) and judging."""

from ._engine import DETECTORS, RuleEngine
from ._load import Rule, default_rules_dir, load_rules

__all__ = ["DETECTORS", "Rule", "RuleEngine", "default_rules_dir", "load_rules"]
