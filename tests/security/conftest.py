"""The security tests reuse the studio web fixtures: the app on scripted fakes under uvicorn on 127.0.0.1."""

from tests.studio.conftest import fakes  # noqa: F401  (fixtures)
from tests.studio_web.conftest import client, studio  # noqa: F401
