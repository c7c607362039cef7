"""Who flies up on which crew-access vehicle: the one seat rule.

A crew-access vehicle (Crew Dragon, Soyuz, Orion) ferries the crew from the
ground to the assembly orbit. The scenario lists each vehicle with its number
of flights (``count``); :func:`seat_crew` puts the crew aboard them and adds a
flight only when the listed flights cannot seat everyone:

1. each partner's crew boards the first listed vehicle its own provider flies,
   up to the seats of that vehicle's listed flights;
2. everyone still standing fills the spare seats of the listed flights, in the
   order the scenario lists the vehicles;
3. only then are flights added, of the vehicle with the most seats per flight
   (the first listed on a tie): :func:`added_flights`, the fewest that seat
   the rest.

The same rule serves sizing (how many crew launches fly) and a withdrawal
(whether a departing partner's crew vehicle must be replaced), so the two can
never disagree: without NASA the Soyuz and Dragon already flown seat the
whole crew, as without Roscosmos the Dragon does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CrewSeating:
    """The crew aboard the crew-access vehicles.

    ``flights[i]`` and ``aboard[i]`` belong to the i-th vehicle given;
    ``added[i]`` is how many of its flights the rule added to its listed
    count; ``unseated`` the crew with no seat (only when no vehicle has seats).
    """

    flights: tuple[int, ...]
    aboard: tuple[int, ...]
    added: tuple[int, ...]
    unseated: int


def added_flights(crew_size: int, seats_listed: int, seats_per_flight: int) -> int:
    """Flights to add so that ``crew_size`` crew fit: 0 when the listed seats suffice.

    ``seats_listed``: the seats of the flights already listed; a vehicle with
    ``seats_per_flight`` <= 0 cannot help (0 returned; the caller reports it).
    """
    short = crew_size - seats_listed
    if short <= 0 or seats_per_flight <= 0:
        return 0
    return math.ceil(short / seats_per_flight)


def seat_crew(crew: Mapping[str, int],
              vehicles: Sequence[tuple[str, int, int]]) -> CrewSeating:
    """Seat ``crew`` ({partner: members}) on ``vehicles`` ((provider, seats per
    flight, listed flights) each, in the scenario's order); see the module
    docstring for the rule. Every listed flight flies, full or not."""
    flights = [int(count) for _, _, count in vehicles]
    free = [max(int(seats), 0) * n for (_, seats, _), n in zip(vehicles, flights)]
    aboard = [0] * len(vehicles)
    standing = 0
    for partner, members in crew.items():
        own = next((i for i, (provider, seats, _) in enumerate(vehicles)
                    if provider == partner and seats > 0), None)
        take = 0 if own is None else min(int(members), free[own])
        if own is not None:
            aboard[own] += take
            free[own] -= take
        standing += int(members) - take
    for i in range(len(vehicles)):
        take = min(standing, free[i])
        aboard[i] += take
        free[i] -= take
        standing -= take
    added = [0] * len(vehicles)
    seated = [i for i, (_, seats, _) in enumerate(vehicles) if seats > 0]
    if standing > 0 and seated:
        widest = max(seated, key=lambda i: (vehicles[i][1], -i))
        added[widest] = added_flights(standing, 0, vehicles[widest][1])
        flights[widest] += added[widest]
        aboard[widest] += standing
        standing = 0
    return CrewSeating(tuple(flights), tuple(aboard), tuple(added), standing)
