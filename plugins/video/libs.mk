LIBS_video := $(shell pkg-config --libs libswscale libswresample libavformat libavcodec libavutil)
