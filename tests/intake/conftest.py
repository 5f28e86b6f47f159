import pytest

from tests.intake.world import intake_world


@pytest.fixture
def front_desk(cast) -> dict:
    """The intake world: the cast's contractor engaged as our receptionist, our intake profile."""
    return intake_world(cast)
