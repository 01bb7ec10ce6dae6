/* QR plugin: layout (whole pixels per module, caption under the code) and the scan rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "../../plugins/qr/qrfit.h"

static void test_layout_without_caption(void **state)
{
    (void)state;
    kzw_qr_layout l;
    /* version 3 (29 modules) + 2 x 4 quiet = 37 modules in 480x270: 7 px per module */
    assert_int_equal(kzw_qr_layout_fit(480, 270, 37, 0, &l), 0);
    assert_int_equal(l.module_px, 7);
    assert_int_equal(l.side_px, 259);
    assert_int_equal(l.x, (480 - 259) / 2);
    assert_int_equal(l.y, (270 - 259) / 2);
    assert_int_equal(l.caption_y, l.y + 259);
    /* a portrait zone: the width limits */
    assert_int_equal(kzw_qr_layout_fit(100, 400, 37, 0, &l), 0);
    assert_int_equal(l.module_px, 2);
    assert_int_equal(l.side_px, 74);
}

static void test_layout_with_caption(void **state)
{
    (void)state;
    kzw_qr_layout l;
    assert_int_equal(kzw_qr_layout_fit(480, 270, 37, 40, &l), 0);
    assert_int_equal(l.module_px, 6); /* (270 - 40) / 37 */
    assert_int_equal(l.side_px, 222);
    /* code and caption centred as a pair */
    assert_int_equal(l.y, (270 - 222 - 40) / 2);
    assert_int_equal(l.caption_y, l.y + 222);
    assert_true(l.caption_y + 40 <= 270);
    /* the module is always a whole number of pixels and the code fits the zone */
    for (int w = 40; w < 700; w += 37) {
        for (int h = 40; h < 500; h += 29) {
            if (kzw_qr_layout_fit(w, h, 33, 12, &l) < 0)
                continue;
            assert_int_equal(l.side_px, l.module_px * 33);
            assert_true(l.x >= 0 && l.x + l.side_px <= w);
            assert_true(l.y >= 0 && l.caption_y + 12 <= h);
        }
    }
}

static void test_layout_too_small(void **state)
{
    (void)state;
    kzw_qr_layout l;
    assert_int_equal(kzw_qr_layout_fit(36, 200, 37, 0, &l), -1);
    assert_int_equal(l.module_px, 0);
    assert_int_equal(kzw_qr_layout_fit(200, 60, 37, 30, &l), -1);
    assert_int_equal(kzw_qr_layout_fit(200, 200, 0, 0, &l), -1);
    assert_int_equal(kzw_qr_layout_fit(0, 200, 37, 0, &l), -1);
}

static void test_scan_rule(void **state)
{
    (void)state;
    double d = -1;
    assert_int_equal(kzw_qr_scan_check(4, 29, 4, 0, 0, &d), KZW_QR_OK);
    assert_true(d == 0);
    assert_int_equal(kzw_qr_scan_check(3, 29, 4, 0, 0, NULL), KZW_QR_SMALL_MODULE);
    /* 43" 1080p panel: 0.4935 mm pitch; 29 modules x 8 px = 114.5 mm: readable to ~1.1 m */
    assert_int_equal(kzw_qr_scan_check(8, 29, 4, 0.4935, 1.0, &d), KZW_QR_OK);
    assert_true(d > 1.14 && d < 1.15);
    assert_int_equal(kzw_qr_scan_check(8, 29, 4, 0.4935, 3.0, &d), KZW_QR_TOO_FAR);
    assert_int_equal(kzw_qr_scan_check(2, 29, 4, 0.4935, 3.0, &d),
                     KZW_QR_TOO_FAR | KZW_QR_SMALL_MODULE);
    /* without a distance only the readable distance is reported */
    assert_int_equal(kzw_qr_scan_check(8, 29, 4, 0.4935, 0, &d), KZW_QR_OK);
    assert_true(d > 1.14);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_without_caption),
        cmocka_unit_test(test_layout_with_caption),
        cmocka_unit_test(test_layout_too_small),
        cmocka_unit_test(test_scan_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
