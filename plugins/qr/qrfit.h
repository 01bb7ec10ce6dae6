/* QR layout and the scan-size rule: pure functions shared with the unit tests. */
#ifndef KZW_QRFIT_H
#define KZW_QRFIT_H

typedef struct kzw_qr_layout {
    int module_px; /* screen pixels per module, a whole number (crisp edges); 0: does not fit */
    int side_px;   /* the code including its quiet zone */
    int x, y;      /* top-left of the code (with quiet zone), relative to the zone */
    int caption_y; /* top of the caption, relative to the zone */
} kzw_qr_layout;

/* Place a code of `modules` modules a side (quiet zone included) and, under it, a caption of
 * caption_h pixels (0: none) in a zone_w x zone_h zone: the largest whole module size at which
 * both fit, the pair centred. Returns 0, or -1 when not even 1 px per module fits. */
int kzw_qr_layout_fit(int zone_w, int zone_h, int modules, int caption_h, kzw_qr_layout *out);

enum {
    KZW_QR_OK = 0,
    KZW_QR_SMALL_MODULE = 1, /* module_px < min_module_px */
    KZW_QR_TOO_FAR = 2,      /* viewers stand farther than the code can be read from */
};

/* The scan rule. A module must be at least min_module_px screen pixels. When the screen's pixel
 * pitch (mm) and the viewing distance (m) are known (both > 0), the code (without its quiet
 * zone, code_modules a side) must also be at least a tenth of the viewing distance wide: the
 * usual 10:1 rule for camera scanning. *max_distance_m (may be NULL) receives that readable
 * distance (0 when the pitch is unknown). Returns a KZW_QR_* bit set. */
int kzw_qr_scan_check(int module_px, int code_modules, int min_module_px, double pitch_mm,
                      double distance_m, double *max_distance_m);
#endif
