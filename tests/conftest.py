def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the expected *.asl.json of tests/fixtures/workflows instead of comparing")
