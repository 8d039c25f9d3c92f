"""The output shapes of the seed family: which command (and mode) made a row; each has its key order."""

FULL_SWEEP, FULL_SWEEP_TEST = "full-sweep", "full-sweep --test-mode"
TEST_CONFIG, TEST_CONFIG_TEST = "test-config", "test-config --test-mode"
RUNNER_MODEL_SWEEP, RUNNER_SWEEP, CUSTOM = "runner-model-sweep", "runner-sweep", "custom"
SHAPES = (FULL_SWEEP, FULL_SWEEP_TEST, TEST_CONFIG, TEST_CONFIG_TEST, RUNNER_MODEL_SWEEP, RUNNER_SWEEP, CUSTOM)
MULTINODE = "multinode"  # the shape of a multinode row, whatever the command
