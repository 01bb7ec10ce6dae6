LIBS_qr := -lqrencode
# The unit test compiles the layout and scan rule in directly.
$(BUILD)/tests/test_widgets_qr: plugins/qr/qrfit.c plugins/qr/qrfit.h
