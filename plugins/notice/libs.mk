# The unit tests compile the notice's header-only helpers in directly: rebuild them when these
# change.
$(BUILD)/tests/test_text_notice: plugins/notice/text_value.h
$(BUILD)/tests/test_text_theme: plugins/notice/theme.h
