import os
import tempfile

# Tests never read or write the user's STATEMILL_HOME (config, secrets, parse cache, server).
os.environ["STATEMILL_HOME"] = tempfile.mkdtemp(prefix="statemill-tests-home-")


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the expected *.asl.json of tests/fixtures/workflows instead of comparing")
