/* The video decoder's plan (plugins/video/vplan.h): threads and queue depth from a clip's
 * codec, size and frame rate, the rule docs/video.md states, as known answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../plugins/video/vplan.h"

static vd_plan_out plan(enum AVCodecID c, int w, int h, int num, int den, int cores)
{
    return vd_plan(c, w, h, (AVRational){num, den}, cores);
}

static void test_threads(void **state)
{
    (void)state;
    /* One thread per 1080p30 of H.264 pixels a second. */
    assert_int_equal(plan(AV_CODEC_ID_H264, 1920, 1080, 30, 1, 2).threads, 1);
    assert_int_equal(plan(AV_CODEC_ID_H264, 1920, 1080, 30000, 1001, 2).threads, 1);
    assert_int_equal(plan(AV_CODEC_ID_H264, 1280, 720, 60, 1, 4).threads, 1);
    assert_int_equal(plan(AV_CODEC_ID_H264, 1920, 1080, 60, 1, 4).threads, 2);
    assert_int_equal(plan(AV_CODEC_ID_H264, 1920, 1080, 31, 1, 4).threads, 2);
    /* HEVC, VP9 and AV1 count twice. */
    assert_int_equal(plan(AV_CODEC_ID_HEVC, 1920, 1080, 30, 1, 4).threads, 2);
    assert_int_equal(plan(AV_CODEC_ID_VP9, 1920, 1080, 30, 1, 4).threads, 2);
    assert_int_equal(plan(AV_CODEC_ID_AV1, 1280, 720, 30, 1, 4).threads, 1);
    /* 4K: as many as there are cores, at most what it needs, at most 16. */
    assert_int_equal(plan(AV_CODEC_ID_H264, 3840, 2160, 30, 1, 2).threads, 2);
    assert_int_equal(plan(AV_CODEC_ID_H264, 3840, 2160, 30, 1, 8).threads, 4);
    assert_int_equal(plan(AV_CODEC_ID_HEVC, 3840, 2160, 60, 1, 64).threads, 16);
    /* One core: one thread, whatever the clip. */
    assert_int_equal(plan(AV_CODEC_ID_HEVC, 3840, 2160, 60, 1, 1).threads, 1);
    assert_int_equal(plan(AV_CODEC_ID_H264, 3840, 2160, 30, 1, 0).threads, 1);
}

static void test_queue(void **state)
{
    (void)state;
    /* About 100 ms of frames, at least 2, at most VD_QUEUE_MAX. */
    assert_int_equal(plan(AV_CODEC_ID_H264, 1920, 1080, 30, 1, 2).queue, 2);
    assert_int_equal(plan(AV_CODEC_ID_H264, 1920, 1080, 25, 1, 2).queue, 2);
    assert_int_equal(plan(AV_CODEC_ID_H264, 1920, 1080, 60, 1, 2).queue, 4);
    assert_int_equal(plan(AV_CODEC_ID_H264, 320, 240, 10, 1, 2).queue, 2);
    assert_int_equal(plan(AV_CODEC_ID_H264, 320, 240, 120, 1, 2).queue, VD_QUEUE_MAX);
    /* At most 32 MiB of frames: 4K frames (12.4 MB each) queue 2. */
    assert_int_equal(plan(AV_CODEC_ID_H264, 3840, 2160, 30, 1, 8).queue, 2);
    assert_int_equal(plan(AV_CODEC_ID_H264, 2560, 1440, 60, 1, 8).queue, 4); /* 22.1 MB */
    assert_int_equal(plan(AV_CODEC_ID_H264, 3200, 1800, 60, 1, 8).queue, 3); /* 4: 34.6 MB */
}

static void test_unknown_and_bogus(void **state)
{
    (void)state;
    /* No frame rate, no size: read as 1080p30. */
    vd_plan_out p = plan(AV_CODEC_ID_H264, 0, 0, 0, 0, 2);
    assert_int_equal(p.threads, 1);
    assert_int_equal(p.queue, 2);
    p = plan(AV_CODEC_ID_H264, 1920, 1080, 30, 0, 2);
    assert_int_equal(p.threads, 1);
    assert_int_equal(p.queue, 2);
    /* A container's 90000/1 is capped at 240 fps: bounded threads and queue. */
    p = plan(AV_CODEC_ID_H264, 1920, 1080, 90000, 1, 64);
    assert_int_equal(p.threads, 8);
    assert_int_equal(p.queue, VD_QUEUE_MAX);
    p = plan(AV_CODEC_ID_H264, 1920, 1080, -30, 1, 2);
    assert_int_equal(p.threads, 1);
    assert_int_equal(p.queue, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_queue),
        cmocka_unit_test(test_unknown_and_bogus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
