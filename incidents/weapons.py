"""Weapon names to kinds: the small vocabulary `diff` compares weapons by.

Statements name one weapon many ways ("drones", "UAV", "combat drones"; "howitzers" are
artillery). Comparing the words called "drone" against "drones" a conflict; comparing kinds
does not. The vocabulary is data (incidents/data/weapons.yaml), read by the record format's
own machinery, and a records directory may extend it with a weapons.yaml of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .places import fold


class WeaponKinds:
    """Which kind of weapon a name stands for; a name it does not know is its own kind."""

    def __init__(self, kinds: Mapping[str, Iterable[str]]) -> None:
        self.kinds = {kind: tuple(names) for kind, names in kinds.items()}
        self._index = {fold(name): kind for kind, names in self.kinds.items() for name in (kind, *names)}

    def kind(self, name: str) -> str:
        """'UAVs' -> 'drone'; 'howitzer' -> 'artillery'; an unknown name stands for itself."""
        key = fold(name)
        return self._index.get(key) or self._index.get(key.rstrip("s")) or name.strip().casefold()

    def extended(self, kinds: Mapping[str, Iterable[str]]) -> WeaponKinds:
        """This vocabulary with more names or kinds (a records directory's weapons.yaml)."""
        merged = {kind: list(names) for kind, names in self.kinds.items()}
        for kind, names in kinds.items():
            merged.setdefault(kind, []).extend(names)
        return WeaponKinds(merged)
