#include "render/colormap.h"
#include "core/jsonfile.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* viridis at 8 evenly spaced points (matplotlib's, CC0) */
static const unsigned char viridis[8][3] = {{68, 1, 84},    {70, 50, 127},  {54, 92, 141},
                                            {39, 127, 142}, {31, 161, 135}, {74, 194, 109},
                                            {159, 218, 58}, {253, 231, 37}};

static void set_stop(sm_color_stop *s, double v, unsigned char r, unsigned char g, unsigned char b,
                     unsigned char a)
{
    s->value = v;
    s->rgba[0] = r, s->rgba[1] = g, s->rgba[2] = b, s->rgba[3] = a;
    snprintf(s->label, sizeof s->label, "%.3g", v);
}

void sm_colormap_concentration(const char *title, double lo, double hi, sm_colormap *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->title, sizeof m->title, "%s", title);
    m->log_axis = 1;
    lo = lo > 0 ? lo : 1e-6;
    hi = hi > lo ? hi : lo * 10;
    m->n = 8;
    for (int i = 0; i < 8; i++) {
        double v = exp(log(lo) + (log(hi) - log(lo)) * i / 7.0);
        set_stop(&m->stops[i], v, viridis[i][0], viridis[i][1], viridis[i][2], 255);
    }
}

void sm_colormap_surface(const char *title, double min, double max, sm_colormap *m)
{
    sm_colormap_concentration(title, fmax(min, max / 1000), max, m);
}

void sm_colormap_class_colour(int k, int ntiers, unsigned char rgba[4])
{
    /* orange, red, dark red: ColorBrewer OrRd/Reds end points */
    static const double ramp[3][3] = {{253, 141, 60}, {227, 26, 28}, {128, 0, 38}};
    rgba[3] = 255;
    if (k <= 0) {
        rgba[0] = 26, rgba[1] = 150, rgba[2] = 65;
        return;
    }
    double t = ntiers > 1 ? 2.0 * (k - 1) / (ntiers - 1) : 1; /* 0..2 along the ramp */
    t = t > 2 ? 2 : t;
    int i = t >= 2 ? 1 : (int)t;
    for (int c = 0; c < 3; c++)
        rgba[c] = (unsigned char)lround(ramp[i][c] + (t - i) * (ramp[i + 1][c] - ramp[i][c]));
}

void sm_colormap_exceedance(const char *title, int ntiers, const char *const *names, sm_colormap *m)
{
    unsigned char rgba[SM_COLORMAP_MAXSTOPS][4];
    int n = ntiers + 1 < SM_COLORMAP_MAXSTOPS ? ntiers + 1 : SM_COLORMAP_MAXSTOPS;
    for (int k = 0; k < n; k++)
        sm_colormap_class_colour(k, ntiers, rgba[k]);
    sm_colormap_classes(title, n, (const unsigned char(*)[4])rgba, names, m);
}

void sm_colormap_probability(const char *title, sm_colormap *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->title, sizeof m->title, "%s", title);
    m->n = 5;
    set_stop(&m->stops[0], 0.0, 255, 255, 255, 0); /* no exceedance: see-through */
    set_stop(&m->stops[1], 0.2, 254, 224, 139, 200);
    set_stop(&m->stops[2], 0.5, 253, 174, 97, 220);
    set_stop(&m->stops[3], 0.8, 215, 48, 39, 235);
    set_stop(&m->stops[4], 1.0, 127, 0, 0, 255);
}

void sm_colormap_classes(const char *title, int n, const unsigned char (*rgba)[4],
                         const char *const *names, sm_colormap *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->title, sizeof m->title, "%s", title);
    m->discrete = 1;
    m->n = n < SM_COLORMAP_MAXSTOPS ? n : SM_COLORMAP_MAXSTOPS;
    for (int k = 0; k < m->n; k++) {
        set_stop(&m->stops[k], k, rgba[k][0], rgba[k][1], rgba[k][2], rgba[k][3]);
        snprintf(m->stops[k].label, sizeof m->stops[k].label, "%s",
                 names && names[k] ? names[k] : "");
    }
}

void sm_colormap_apply(const sm_colormap *m, double v, unsigned char rgba[4])
{
    memset(rgba, 0, 4);
    if (isnan(v) || m->n == 0)
        return;
    if (m->discrete) {
        int k = (int)lround(v);
        if (k >= 0 && k < m->n && fabs(v - k) < 1e-9)
            memcpy(rgba, m->stops[k].rgba, 4);
        return;
    }
    double x = m->log_axis ? log(fmax(v, 1e-300)) : v;
    const sm_color_stop *s = m->stops;
    for (int i = 0; i < m->n; i++) {
        double xi = m->log_axis ? log(s[i].value) : s[i].value;
        if (x <= xi || i == m->n - 1) {
            if (i == 0 || x >= xi) {
                memcpy(rgba, s[i].rgba, 4);
                return;
            }
            double x0 = m->log_axis ? log(s[i - 1].value) : s[i - 1].value;
            double t = (x - x0) / (xi - x0);
            for (int c = 0; c < 4; c++)
                rgba[c] =
                    (unsigned char)lround(s[i - 1].rgba[c] + t * (s[i].rgba[c] - s[i - 1].rgba[c]));
            return;
        }
    }
}

char *sm_colormap_json(const sm_colormap *m)
{
    json_object *o = json_object_new_object(), *stops = json_object_new_array();
    json_object_object_add(o, "title", json_object_new_string(m->title));
    json_object_object_add(o, "scale",
                           json_object_new_string(m->discrete   ? "classes"
                                                  : m->log_axis ? "log"
                                                                : "linear"));
    for (int i = 0; i < m->n; i++) {
        json_object *s = json_object_new_object();
        char colour[16];
        const unsigned char *c = m->stops[i].rgba;
        snprintf(colour, sizeof colour, "#%02x%02x%02x%02x", c[0], c[1], c[2], c[3]);
        json_object_object_add(s, "value", json_object_new_double(m->stops[i].value));
        json_object_object_add(s, "color", json_object_new_string(colour));
        json_object_object_add(s, "label", json_object_new_string(m->stops[i].label));
        json_object_array_add(stops, s);
    }
    json_object_object_add(o, "stops", stops);
    sm_json_make_finite(o);
    char *text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
    json_object_put(o);
    return text;
}
