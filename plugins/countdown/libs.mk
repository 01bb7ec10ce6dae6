# The unit test compiles the countdown's pure logic in directly: rebuild it when that changes.
$(BUILD)/tests/test_widgets_countdown: plugins/countdown/phase.c plugins/countdown/phase.h
build/fuzz/fuzz_widgets: plugins/countdown/phase.c plugins/countdown/phase.h \
    plugins/clock/wallclock.c plugins/clock/wallclock.h
