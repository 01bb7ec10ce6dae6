LIBS_video := $(shell pkg-config --libs libswscale libavformat libavcodec libavutil)
