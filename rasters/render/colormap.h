/* Colour ramps for maps, tiles, quicklooks and legends: one definition, so
 * that a legend always matches what was drawn. A ramp maps values between
 * its stops linearly in RGBA (on a log axis for concentrations, which span
 * orders of magnitude); nodata and NAN are transparent. */
#ifndef SM_COLORMAP_H
#define SM_COLORMAP_H

enum { SM_COLORMAP_MAXSTOPS = 16 };

typedef struct {
    double value;
    unsigned char rgba[4];
    char label[48]; /* for legends: a class name or a formatted value */
} sm_color_stop;

typedef struct {
    char title[96];
    int n;
    sm_color_stop stops[SM_COLORMAP_MAXSTOPS];
    int log_axis; /* interpolate in log(value) */
    int discrete; /* classes: value k gets stop k's colour exactly */
} sm_colormap;

/* Concentrations from lo to hi (> 0; mg/kg), a perceptually ordered ramp
 * (viridis) on a log axis. */
void sm_colormap_concentration(const char *title, double lo, double hi, sm_colormap *m);

/* Probabilities 0..1: white to dark red. */
void sm_colormap_probability(const char *title, sm_colormap *m);

/* Classes 0..n-1 with the given colours and names (from a class raster's
 * colour table and category names). */
void sm_colormap_classes(const char *title, int n, const unsigned char (*rgba)[4],
                         const char *const *names, sm_colormap *m);

/* The ramp for a concentration surface whose values span min..max, the
 * one the report's quicklooks and the web viewer's tiles share: a
 * concentration ramp from max(min, max / 1000) to max, so that a few
 * near-zero cells do not stretch the log axis over decades nobody maps. */
void sm_colormap_surface(const char *title, double min, double max, sm_colormap *m);

/* The colour of exceedance class k of 0..ntiers: green below the first
 * tier, then orange to dark red, so that "above" always reads as a warning
 * (a single tier: red). */
void sm_colormap_class_colour(int k, int ntiers, unsigned char rgba[4]);

/* Exceedance classes 0..ntiers in those colours, with the given names. */
void sm_colormap_exceedance(const char *title, int ntiers, const char *const *names,
                            sm_colormap *m);

/* The colour of v; NAN gives transparent. */
void sm_colormap_apply(const sm_colormap *m, double v, unsigned char rgba[4]);

/* The ramp as JSON text (title, stops with value, colour "#rrggbbaa" and
 * label), for legend.json; caller frees. */
char *sm_colormap_json(const sm_colormap *m);

#endif
