"""The one seat rule (marsplan.sizing.seats), checked by hand on small cases."""

from __future__ import annotations

import pytest

from marsplan.sizing.seats import added_flights, seat_crew

DRAGON, SOYUZ = ("spacex", 4, 1), ("roscosmos", 3, 1)


@pytest.mark.parametrize("crew, flights, aboard", [
    # Each crew on its own vehicle, no flight added.
    ({"nasa": 2, "roscosmos": 2}, (1, 1), (2, 2)),
    # Roscosmos's 4 fill its Soyuz (3); the fourth takes a Dragon seat.
    ({"roscosmos": 4}, (1, 1), (1, 3)),
    # 7 seats listed for 7: no flight added, every listed flight flies.
    ({"roscosmos": 7}, (1, 1), (4, 3)),
    # 8: one more flight of the vehicle with the most seats (Dragon).
    ({"roscosmos": 8}, (2, 1), (5, 3)),
    # Nobody of the listed providers: listed order.
    ({"nasa": 5}, (1, 1), (4, 1)),
])
def test_seat_crew(crew, flights, aboard):
    seating = seat_crew(crew, [DRAGON, SOYUZ])
    assert (seating.flights, seating.aboard, seating.unseated) == (flights, aboard, 0)
    assert sum(seating.added) == sum(flights) - 2


def test_no_seats_leaves_the_crew_unseated():
    seating = seat_crew({"nasa": 2}, [("nasa", 0, 1)])
    assert seating.flights == (1,) and seating.unseated == 2


def test_added_flights():
    assert added_flights(4, 4, 3) == 0
    assert added_flights(5, 4, 3) == 1
    assert added_flights(8, 1, 3) == 3
    assert added_flights(3, 0, 0) == 0
