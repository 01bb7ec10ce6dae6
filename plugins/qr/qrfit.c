/* QR layout and scan rule (see qrfit.h). */
#include "qrfit.h"

int kzw_qr_layout_fit(int zone_w, int zone_h, int modules, int caption_h, kzw_qr_layout *out)
{
    out->module_px = out->side_px = out->x = out->y = out->caption_y = 0;
    if (modules <= 0 || zone_w <= 0 || zone_h <= 0 || caption_h < 0)
        return -1;
    int avail_h = zone_h - caption_h;
    int side = zone_w < avail_h ? zone_w : avail_h;
    int m = side > 0 ? side / modules : 0;
    if (m < 1)
        return -1;
    out->module_px = m;
    out->side_px = m * modules;
    out->x = (zone_w - out->side_px) / 2;
    out->y = (zone_h - out->side_px - caption_h) / 2;
    out->caption_y = out->y + out->side_px;
    return 0;
}

int kzw_qr_scan_check(int module_px, int code_modules, int min_module_px, double pitch_mm,
                      double distance_m, double *max_distance_m)
{
    int r = KZW_QR_OK;
    double readable = 0;
    if (module_px < min_module_px)
        r |= KZW_QR_SMALL_MODULE;
    if (pitch_mm > 0) {
        double width_m = (double)code_modules * module_px * pitch_mm / 1000.0;
        readable = width_m * 10.0;
        if (distance_m > 0 && distance_m > readable)
            r |= KZW_QR_TOO_FAR;
    }
    if (max_distance_m)
        *max_distance_m = readable;
    return r;
}
