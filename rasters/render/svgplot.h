/* A tiny SVG plotting module for the run report: a figure with one plotting
 * area, an x and a y axis (linear or log10) with "nice" ticks, and points,
 * polylines, rectangles and labels placed in data coordinates. Output is
 * written to a FILE as it is drawn, as well-formed XML meant to be inlined in
 * an HTML page (no xmlns: the HTML parser supplies it, and the page then has
 * no external URL at all). Styling is by presentation attributes, so a figure
 * looks the same without the page's CSS; class names are for finding things. */
#ifndef SM_SVGPLOT_H
#define SM_SVGPLOT_H

#include "render/colormap.h"

#include <stddef.h>
#include <stdio.h>

typedef struct {
    double lo, hi;     /* the data range the axis spans; lo > 0 on a log axis */
    int log;           /* log10 scale */
    const char *label; /* axis title; NULL for none */
} sm_svg_axis;

typedef struct {
    FILE *out;
    int width, height;            /* the whole figure, px */
    int left, right, top, bottom; /* margins around the plotting area, px */
    sm_svg_axis x, y;
} sm_svgplot;

enum { SM_SVG_MAXTICKS = 32 };

/* Characters of text made safe for XML content and attribute values (&, <,
 * >, " and '); control characters are dropped and invalid UTF-8 becomes
 * U+FFFD, so that data of any origin cannot break the document. */
void sm_xml_escape(FILE *out, const char *text);

/* Ticks on a linear axis: multiples of 1, 2 or 5 x 10^k inside [lo, hi], the
 * finest such step giving at most max ticks (0..937, 6 -> 0, 200, ..., 800).
 * Returns the count; *step (may be NULL) receives the step. */
int sm_svg_ticks(double lo, double hi, int max, double *ticks, double *step);

/* Ticks on a log axis (lo > 0): powers of ten, every k-th decade when there
 * are too many, and 2 and 5 times them when there are fewer than three; a
 * range inside one decade falls back to linear ticks. Returns the count. */
int sm_svg_log_ticks(double lo, double hi, int max, double *ticks);

/* A tick label: as many decimals as the step needs, %g for very large or
 * small values. */
void sm_svg_tick_label(double v, double step, char *buf, size_t size);

/* Widens a degenerate or empty range so that an axis can be drawn, and
 * leaves room (frac of the span; of the decades on a log axis) on each side. */
void sm_svg_pad_range(double *lo, double *hi, int log, double frac);

/* A width x height figure with default margins and unset axes. */
void sm_svgplot_init(sm_svgplot *p, FILE *out, int width, int height);

/* Pixel position of a data value (NAN when it cannot be placed: not finite,
 * or <= 0 on a log axis). */
double sm_svgplot_px(const sm_svgplot *p, double x);
double sm_svgplot_py(const sm_svgplot *p, double y);

/* Opens <svg id=... class=...> with the title as <title> and as a heading
 * above the plotting area. id and cls may be NULL. */
void sm_svgplot_begin(const sm_svgplot *p, const char *id, const char *cls, const char *title);

/* The frame, ticks with labels and grid lines, and the axis titles. */
void sm_svgplot_axes(const sm_svgplot *p);

/* Circles of radius r (px); values that cannot be placed, or lie outside the
 * axes' ranges, are skipped. Returns the number drawn. */
int sm_svgplot_points(const sm_svgplot *p, const double *x, const double *y, int n, double r,
                      const char *cls, const char *fill);

/* A line through the points that can be placed. */
void sm_svgplot_polyline(const sm_svgplot *p, const double *x, const double *y, int n,
                         const char *cls, const char *stroke);

/* A filled rectangle between two corners in data coordinates. */
void sm_svgplot_rect(const sm_svgplot *p, double x0, double y0, double x1, double y1,
                     const char *cls, const char *fill);

/* Text at a data point, moved by (dx, dy) px. */
void sm_svgplot_text(const sm_svgplot *p, double x, double y, double dx, double dy, const char *cls,
                     const char *text);

/* Places n labels next to their points (px, py in px) inside a width x
 * height figure so that no two labels overlap and no label covers a point:
 * the first free spot of a few around the point, then farther above and
 * below. Label i starts at (tx[i], ty[i]) (its baseline), NAN when no spot
 * was free. Text is taken as 11 px sans-serif. Returns the number placed. */
int sm_svg_place_labels(const double *px, const double *py, const char *const *text, int n,
                        double width, double height, double *tx, double *ty);

/* The labels at data points (x, y), placed by sm_svg_place_labels; returns
 * the number drawn. */
int sm_svgplot_labels(const sm_svgplot *p, const double *x, const double *y, int n, const char *cls,
                      const char *const *text);

/* A label's box as sm_svg_place_labels reckons it, text starting at (x, y). */
void sm_svg_label_box(const char *text, double x, double y, double box[4]);

void sm_svgplot_end(const sm_svgplot *p);

/* A legend for a colour ramp, drawn with sm_colormap_apply itself so that it
 * matches the map: a bar with the stops' labels, or a swatch per class. */
void sm_svg_legend(FILE *out, const char *id, const sm_colormap *m);

#endif
