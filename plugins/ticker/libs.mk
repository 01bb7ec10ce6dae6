# The unit test compiles the ticker's position function in directly.
$(BUILD)/tests/test_widgets_ticker: plugins/ticker/scroll.c plugins/ticker/scroll.h
