#include "render/svgplot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- XML text ---- */

/* Length of the well-formed UTF-8 sequence at s that XML allows, else 0:
 * overlong forms, surrogates, code points above U+10FFFF and the
 * non-characters U+FFFE/U+FFFF are refused. Stops at the first bad byte, so
 * a sequence cut short by the string's end never reads past it. */
static int utf8_len(const unsigned char *s)
{
    int n = s[0] < 0x80             ? 1
            : (s[0] & 0xE0) == 0xC0 ? 2
            : (s[0] & 0xF0) == 0xE0 ? 3
            : (s[0] & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (n < 2)
        return n;
    if (s[0] < 0xC2 || s[0] > 0xF4)
        return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90) ||
        (s[0] == 0xEF && s[1] == 0xBF && s[2] >= 0xBE))
        return 0;
    return n;
}

static const char *entity(unsigned char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return NULL;
    }
}

void sm_xml_escape(FILE *out, const char *text)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    while (*s) {
        int n = utf8_len(s);
        if (n == 0) {
            fputs("&#xFFFD;", out);
            s++;
        } else if (n > 1) {
            fwrite(s, 1, (size_t)n, out);
            s += n;
        } else {
            const char *e = entity(*s);
            if (e)
                fputs(e, out);
            else if (*s >= 0x20 || *s == '\t' || *s == '\n' || *s == '\r')
                fputc(*s, out); /* other control characters are not XML at all */
            s++;
        }
    }
}

/* ---- ticks ---- */

int sm_svg_ticks(double lo, double hi, int max, double *ticks, double *step)
{
    static const double mult[] = {1, 2, 5, 10, 20, 50};
    if (step)
        *step = 0;
    max = max < 1 ? 1 : max > SM_SVG_MAXTICKS ? SM_SVG_MAXTICKS : max;
    if (!isfinite(lo) || !isfinite(hi) || !(hi > lo)) {
        ticks[0] = isfinite(lo) ? lo : 0;
        return 1;
    }
    double base = pow(10, floor(log10((hi - lo) / max)));
    for (unsigned i = 0; i < sizeof mult / sizeof *mult; i++) {
        double s = mult[i] * base;
        double k0 = ceil(lo / s - 1e-9), k1 = floor(hi / s + 1e-9);
        if (k1 - k0 + 1 > max)
            continue;
        int n = 0;
        for (double k = k0; k <= k1; k++)
            ticks[n++] = k == 0 ? 0 : k * s; /* never "-0" */
        if (step)
            *step = s;
        return n;
    }
    ticks[0] = lo; /* not reached: the coarsest step always fits */
    return 1;
}

static int decade_ticks(int d0, int d1, int max, double *ticks)
{
    int every = (d1 - d0 + max) / max, n = 0; /* ceil(decades / max) */
    for (int d = d0; d <= d1 && n < max; d += every)
        ticks[n++] = pow(10, d);
    return n;
}

/* 1, 2 and 5 times the powers of ten inside [lo, hi]; -1 if more than max. */
static int one_two_five(double lo, double hi, int d0, int d1, int max, double *ticks)
{
    static const double mult[] = {1, 2, 5};
    int n = 0;
    for (int d = d0 - 1; d <= d1; d++)
        for (int m = 0; m < 3; m++) {
            double v = mult[m] * pow(10, d);
            if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9))
                continue;
            if (n == max)
                return -1;
            ticks[n++] = v;
        }
    return n;
}

int sm_svg_log_ticks(double lo, double hi, int max, double *ticks)
{
    max = max < 1 ? 1 : max > SM_SVG_MAXTICKS ? SM_SVG_MAXTICKS : max;
    if (!(lo > 0) || !(hi > lo) || !isfinite(hi))
        return sm_svg_ticks(lo, hi, max, ticks, NULL);
    int d0 = (int)ceil(log10(lo) - 1e-9), d1 = (int)floor(log10(hi) + 1e-9);
    if (d1 - d0 + 1 >= 3)
        return decade_ticks(d0, d1, max, ticks);
    int n = one_two_five(lo, hi, d0, d1, max, ticks);
    if (n >= 2)
        return n;
    if (d1 - d0 + 1 == 2)
        return decade_ticks(d0, d1, max, ticks);
    return sm_svg_ticks(lo, hi, max, ticks, NULL);
}

void sm_svg_tick_label(double v, double step, char *buf, size_t size)
{
    double a = fabs(v);
    if (v == 0)
        snprintf(buf, size, "0");
    else if (step <= 0 || a >= 1e6 || a < 1e-4)
        snprintf(buf, size, "%g", v);
    else {
        int decimals = (int)fmax(0, -floor(log10(step) + 1e-9));
        snprintf(buf, size, "%.*f", decimals, v);
    }
}

void sm_svg_pad_range(double *lo, double *hi, int log, double frac)
{
    if (log) {
        double a = *lo > 0 && isfinite(*lo) ? log10(*lo) : 0;
        double b = *hi > 0 && isfinite(*hi) ? log10(*hi) : a + 1;
        sm_svg_pad_range(&a, &b, 0, frac);
        *lo = pow(10, a), *hi = pow(10, b);
        return;
    }
    if (!isfinite(*lo) || !isfinite(*hi))
        *lo = 0, *hi = 1;
    if (!(*hi > *lo)) {
        double d = *lo != 0 ? fabs(*lo) * 0.1 : 1;
        *lo -= d, *hi += d;
    }
    double span = *hi - *lo;
    *lo -= frac * span, *hi += frac * span;
}

/* ---- the figure ---- */

void sm_svgplot_init(sm_svgplot *p, FILE *out, int width, int height)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    p->width = width, p->height = height;
    p->left = 62, p->right = 16, p->top = 28, p->bottom = 44;
    p->x = p->y = (sm_svg_axis){0, 1, 0, NULL};
}

static double axis_t(const sm_svg_axis *a, double v)
{
    if (!isfinite(v) || (a->log && v <= 0))
        return NAN;
    if (a->log)
        return (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    return (v - a->lo) / (a->hi - a->lo);
}

static double plot_w(const sm_svgplot *p) { return p->width - p->left - p->right; }
static double plot_h(const sm_svgplot *p) { return p->height - p->top - p->bottom; }

double sm_svgplot_px(const sm_svgplot *p, double x)
{
    return p->left + axis_t(&p->x, x) * plot_w(p);
}

double sm_svgplot_py(const sm_svgplot *p, double y)
{
    return p->height - p->bottom - axis_t(&p->y, y) * plot_h(p);
}

static int inside(const sm_svgplot *p, double x, double y)
{
    double tx = axis_t(&p->x, x), ty = axis_t(&p->y, y);
    return tx >= -1e-9 && tx <= 1 + 1e-9 && ty >= -1e-9 && ty <= 1 + 1e-9;
}

static void attr(FILE *out, const char *name, const char *value)
{
    if (!value)
        return;
    fprintf(out, " %s=\"", name);
    sm_xml_escape(out, value);
    fputc('"', out);
}

static void open_svg(FILE *out, const char *id, const char *cls, int w, int h)
{
    fputs("<svg", out);
    attr(out, "id", id);
    attr(out, "class", cls);
    fprintf(out,
            " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\""
            " font-family=\"sans-serif\" font-size=\"11\">\n",
            w, h, w, h);
}

static void text_at(FILE *out, double x, double y, const char *anchor, const char *cls,
                    const char *text)
{
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"", x, y, anchor);
    attr(out, "class", cls);
    fputc('>', out);
    sm_xml_escape(out, text);
    fputs("</text>\n", out);
}

void sm_svgplot_begin(const sm_svgplot *p, const char *id, const char *cls, const char *title)
{
    open_svg(p->out, id, cls, p->width, p->height);
    fputs("<title>", p->out);
    sm_xml_escape(p->out, title);
    fputs("</title>\n", p->out);
    fprintf(p->out,
            "<text x=\"%.1f\" y=\"17\" text-anchor=\"middle\" font-size=\"13\""
            " font-weight=\"bold\" class=\"title\">",
            p->left + plot_w(p) / 2);
    sm_xml_escape(p->out, title);
    fputs("</text>\n", p->out);
}

static int axis_ticks(const sm_svg_axis *a, int max, double *ticks, double *step)
{
    *step = 0;
    return a->log ? sm_svg_log_ticks(a->lo, a->hi, max, ticks)
                  : sm_svg_ticks(a->lo, a->hi, max, ticks, step);
}

static void x_ticks(const sm_svgplot *p)
{
    double t[SM_SVG_MAXTICKS], step, y0 = p->height - p->bottom;
    int n = axis_ticks(&p->x, 7, t, &step);
    for (int i = 0; i < n; i++) {
        double x = sm_svgplot_px(p, t[i]);
        char label[32];
        sm_svg_tick_label(t[i], step, label, sizeof label);
        fprintf(p->out,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
                x, p->top, x, y0, x, y0, x, y0 + 5);
        text_at(p->out, x, y0 + 17, "middle", "tick", label);
    }
}

static void y_ticks(const sm_svgplot *p)
{
    double t[SM_SVG_MAXTICKS], step, x1 = p->width - p->right;
    int n = axis_ticks(&p->y, 6, t, &step);
    for (int i = 0; i < n; i++) {
        double y = sm_svgplot_py(p, t[i]);
        char label[32];
        sm_svg_tick_label(t[i], step, label, sizeof label);
        fprintf(p->out,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>\n",
                p->left, y, x1, y, p->left - 5, y, p->left, y);
        text_at(p->out, p->left - 7, y + 4, "end", "tick", label);
    }
}

void sm_svgplot_axes(const sm_svgplot *p)
{
    x_ticks(p);
    y_ticks(p);
    fprintf(p->out,
            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\""
            " stroke=\"#333\"/>\n",
            p->left, p->top, plot_w(p), plot_h(p));
    if (p->x.label)
        text_at(p->out, p->left + plot_w(p) / 2, p->height - 8, "middle", "axis-label", p->x.label);
    if (p->y.label) {
        fprintf(p->out,
                "<text transform=\"translate(14,%.1f) rotate(-90)\" text-anchor=\"middle\""
                " class=\"axis-label\">",
                p->top + plot_h(p) / 2);
        sm_xml_escape(p->out, p->y.label);
        fputs("</text>\n", p->out);
    }
}

int sm_svgplot_points(const sm_svgplot *p, const double *x, const double *y, int n, double r,
                      const char *cls, const char *fill)
{
    int drawn = 0;
    for (int i = 0; i < n; i++) {
        if (!inside(p, x[i], y[i]))
            continue;
        fprintf(p->out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill-opacity=\"0.8\"",
                sm_svgplot_px(p, x[i]), sm_svgplot_py(p, y[i]), r); /* overlaps stay visible */
        attr(p->out, "class", cls);
        attr(p->out, "fill", fill);
        fputs("/>\n", p->out);
        drawn++;
    }
    return drawn;
}

void sm_svgplot_polyline(const sm_svgplot *p, const double *x, const double *y, int n,
                         const char *cls, const char *stroke)
{
    fputs("<polyline fill=\"none\" stroke-width=\"1.6\"", p->out);
    attr(p->out, "class", cls);
    attr(p->out, "stroke", stroke);
    fputs(" points=\"", p->out);
    const char *sep = "";
    for (int i = 0; i < n; i++) {
        double px = sm_svgplot_px(p, x[i]), py = sm_svgplot_py(p, y[i]);
        if (isnan(px) || isnan(py))
            continue;
        fprintf(p->out, "%s%.1f,%.1f", sep, px, py);
        sep = " ";
    }
    fputs("\"/>\n", p->out);
}

void sm_svgplot_rect(const sm_svgplot *p, double x0, double y0, double x1, double y1,
                     const char *cls, const char *fill)
{
    double a = sm_svgplot_px(p, x0), b = sm_svgplot_px(p, x1);
    double c = sm_svgplot_py(p, y0), d = sm_svgplot_py(p, y1);
    if (isnan(a) || isnan(b) || isnan(c) || isnan(d))
        return;
    fprintf(p->out,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" stroke=\"#fff\""
            " stroke-width=\"0.5\"",
            fmin(a, b), fmin(c, d), fabs(b - a), fabs(d - c));
    attr(p->out, "class", cls);
    attr(p->out, "fill", fill);
    fputs("/>\n", p->out);
}

void sm_svgplot_text(const sm_svgplot *p, double x, double y, double dx, double dy, const char *cls,
                     const char *text)
{
    double px = sm_svgplot_px(p, x), py = sm_svgplot_py(p, y);
    if (!isnan(px) && !isnan(py))
        text_at(p->out, px + dx, py + dy, "start", cls, text);
}

/* ---- labels that do not overlap ---- */

enum { LABEL_CHAR_W = 7, LABEL_ASCENT = 9, LABEL_DESCENT = 3, POINT_R = 4 };

void sm_svg_label_box(const char *text, double x, double y, double box[4])
{
    box[0] = x, box[1] = y - LABEL_ASCENT;
    box[2] = x + LABEL_CHAR_W * (double)strlen(text), box[3] = y + LABEL_DESCENT;
}

static int boxes_overlap(const double *a, const double *b)
{
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/* Whether the box is inside the figure and clear of placed labels and of
 * every point. */
static int spot_free(const double *box, const double (*placed)[4], int n_placed, const double *px,
                     const double *py, int n, double width, double height)
{
    if (box[0] < 0 || box[1] < 0 || box[2] > width || box[3] > height)
        return 0;
    for (int i = 0; i < n_placed; i++)
        if (boxes_overlap(box, placed[i]))
            return 0;
    for (int i = 0; i < n; i++) {
        double pt[4] = {px[i] - POINT_R, py[i] - POINT_R, px[i] + POINT_R, py[i] + POINT_R};
        if (!isnan(px[i]) && !isnan(py[i]) && boxes_overlap(box, pt))
            return 0;
    }
    return 1;
}

int sm_svg_place_labels(const double *px, const double *py, const char *const *text, int n,
                        double width, double height, double *tx, double *ty)
{
    enum { LEVELS = 8, STEP = LABEL_ASCENT + LABEL_DESCENT + 1 };
    double(*placed)[4] = malloc(((size_t)n + 1) * sizeof *placed);
    int k = 0;
    for (int i = 0; i < n; i++) {
        tx[i] = ty[i] = NAN;
        if (isnan(px[i]) || isnan(py[i]))
            continue;
        double w = LABEL_CHAR_W * (double)strlen(text[i]), box[4];
        /* right above, right below, left above, left below; then farther up and down */
        for (int c = 0; c < 4 * LEVELS && isnan(tx[i]); c++) {
            int level = c / 4, side = c % 4;
            double x = side < 2 ? px[i] + 5 : px[i] - 5 - w;
            double y = side % 2 == 0 ? py[i] - 5 - level * STEP : py[i] + 14 + level * STEP;
            sm_svg_label_box(text[i], x, y, box);
            if (spot_free(box, (const double(*)[4])placed, k, px, py, n, width, height)) {
                tx[i] = x, ty[i] = y;
                memcpy(placed[k++], box, sizeof box);
            }
        }
    }
    free(placed);
    return k;
}

int sm_svgplot_labels(const sm_svgplot *p, const double *x, const double *y, int n, const char *cls,
                      const char *const *text)
{
    double *px = calloc(((size_t)n + 1) * 4, sizeof *px), *py = px + n + 1, *tx = py + n + 1,
           *ty = tx + n + 1;
    for (int i = 0; i < n; i++) {
        px[i] = sm_svgplot_px(p, x[i]), py[i] = sm_svgplot_py(p, y[i]);
        if (x[i] < fmin(p->x.lo, p->x.hi) || x[i] > fmax(p->x.lo, p->x.hi) ||
            y[i] < fmin(p->y.lo, p->y.hi) || y[i] > fmax(p->y.lo, p->y.hi))
            px[i] = py[i] = NAN;
    }
    int placed = sm_svg_place_labels(px, py, text, n, p->width, p->height, tx, ty);
    for (int i = 0; i < n; i++)
        if (!isnan(tx[i]))
            text_at(p->out, tx[i], ty[i], "start", cls, text[i]);
    free(px);
    return placed;
}

void sm_svgplot_end(const sm_svgplot *p) { fputs("</svg>\n", p->out); }

/* ---- legends ---- */

static void fill_rgba(FILE *out, const unsigned char c[4])
{
    fprintf(out, " fill=\"#%02x%02x%02x\"", c[0], c[1], c[2]);
    if (c[3] < 255)
        fprintf(out, " fill-opacity=\"%.3f\"", c[3] / 255.0);
}

/* The ramp's value at t in [0, 1] along the bar, on the ramp's own axis. */
static double ramp_value(const sm_colormap *m, double t)
{
    double lo = m->stops[0].value, hi = m->stops[m->n - 1].value;
    return m->log_axis ? exp(log(lo) + t * (log(hi) - log(lo))) : lo + t * (hi - lo);
}

static double ramp_t(const sm_colormap *m, double v)
{
    double lo = m->stops[0].value, hi = m->stops[m->n - 1].value;
    double t = m->log_axis ? (log(v) - log(lo)) / (log(hi) - log(lo)) : (v - lo) / (hi - lo);
    return isfinite(t) ? t : 0;
}

static void ramp_legend(FILE *out, const char *id, const sm_colormap *m)
{
    enum { W = 420, X0 = 14, BAR = 392, STEPS = 98 };
    open_svg(out, id, "legend", W, 58);
    text_at(out, X0, 13, "start", "legend-title", m->title);
    for (int i = 0; i < STEPS; i++) {
        unsigned char c[4];
        sm_colormap_apply(m, ramp_value(m, (i + 0.5) / STEPS), c);
        double w = (double)BAR / STEPS;
        /* each a little wider than its step, so that no hairline gaps show */
        fprintf(out, "<rect x=\"%.2f\" y=\"20\" width=\"%.2f\" height=\"14\"", X0 + i * w, w + 0.3);
        fill_rgba(out, c);
        fputs("/>\n", out);
    }
    fprintf(out,
            "<rect x=\"%d\" y=\"20\" width=\"%d\" height=\"14\" fill=\"none\""
            " stroke=\"#666\"/>\n",
            X0, BAR);
    for (int i = 0; i < m->n; i++) {
        double x = X0 + ramp_t(m, m->stops[i].value) * BAR;
        const char *anchor = i == 0 ? "start" : i == m->n - 1 ? "end" : "middle";
        fprintf(out, "<line x1=\"%.1f\" y1=\"34\" x2=\"%.1f\" y2=\"38\" stroke=\"#666\"/>\n", x, x);
        text_at(out, x, 50, anchor, "legend-label", m->stops[i].label);
    }
    fputs("</svg>\n", out);
}

static void class_legend(FILE *out, const char *id, const sm_colormap *m)
{
    open_svg(out, id, "legend", 300, 24 + 20 * m->n);
    text_at(out, 8, 13, "start", "legend-title", m->title);
    for (int k = 0; k < m->n; k++) {
        unsigned char c[4];
        sm_colormap_apply(m, k, c);
        fprintf(out, "<rect x=\"8\" y=\"%d\" width=\"14\" height=\"14\" stroke=\"#666\"",
                20 + 20 * k);
        fill_rgba(out, c);
        fputs("/>\n", out);
        text_at(out, 30, 31 + 20 * k, "start", "legend-label", m->stops[k].label);
    }
    fputs("</svg>\n", out);
}

void sm_svg_legend(FILE *out, const char *id, const sm_colormap *m)
{
    if (m->n < 1)
        return;
    if (m->discrete || m->n < 2)
        class_legend(out, id, m);
    else
        ramp_legend(out, id, m);
}
