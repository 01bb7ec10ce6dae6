# Plugin pieces that a unit test links beside the player's objects and lib/ (the tests call
# these pure functions directly; nothing is compiled into a test by #include).
OBJS_test_widgets_countdown := plugins/countdown/phase.c
OBJS_test_widgets_ticker    := plugins/ticker/scroll.c
OBJS_test_widgets_qr        := plugins/qr/qrfit.c
OBJS_test_stream_url      := plugins/video/streamurl.c
OBJS_test_video_plan      := plugins/video/vplan.c
# The same for the fuzz targets (their sources are compiled with the fuzzer's flags).
FUZZ_EXTRA_fuzz_widgets     := plugins/countdown/phase.c
FUZZ_EXTRA_fuzz_stream_url  := plugins/video/streamurl.c
