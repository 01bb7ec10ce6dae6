# The unit tests compile the clock's pure helpers in directly: rebuild them when these change.
$(BUILD)/tests/test_widgets_clock $(BUILD)/tests/test_widgets_countdown: \
    plugins/clock/wallclock.c plugins/clock/wallclock.h
