/* The SVG plotting module: nice and log ticks, tick labels, data to pixel
 * mapping, XML escaping, and figures and legends that are well-formed XML. */
#include "render/colormap.h"
#include "render/svgplot.h"
#include "testutil.h"

#include <cpl_minixml.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- capturing output ---- */

typedef struct {
    FILE *f;
    char *text;
    size_t size;
} capture;

static FILE *capture_begin(capture *c)
{
    c->f = open_memstream(&c->text, &c->size);
    assert_non_null(c->f);
    return c->f;
}

static char *capture_end(capture *c)
{
    fclose(c->f);
    return c->text;
}

static char *escaped(const char *text)
{
    capture c;
    sm_xml_escape(capture_begin(&c), text);
    return capture_end(&c);
}

static int count(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* ---- a small well-formedness check, independent of the code under test ---- */

static int entity_ok(const char *s)
{
    static const char *const named[] = {"&lt;", "&gt;", "&amp;", "&quot;", "&apos;"};
    for (unsigned i = 0; i < sizeof named / sizeof *named; i++)
        if (strncmp(s, named[i], strlen(named[i])) == 0)
            return 1;
    if (s[1] != '#')
        return 0;
    int hex = s[2] == 'x';
    const char *p = s + 2 + hex;
    size_t n = strspn(p, hex ? "0123456789abcdefABCDEF" : "0123456789");
    return n > 0 && p[n] == ';';
}

/* Attributes of a start tag from p (just after its name) up to its end;
 * returns the character after the tag, or NULL with *why set. */
static const char *attributes(const char *p, int *self_closed, const char **why)
{
    for (;;) {
        p += strspn(p, " \t\n");
        if (p[0] == '/' && p[1] == '>') {
            *self_closed = 1;
            return p + 2;
        }
        if (*p == '>')
            return p + 1;
        size_t n = strcspn(p, "= \t\n/>");
        if (n == 0 || p[n] != '=' || p[n + 1] != '"')
            return *why = "attribute without a quoted value", NULL;
        const char *v = p + n + 2, *end = strchr(v, '"');
        if (!end)
            return *why = "unterminated attribute value", NULL;
        for (const char *q = v; q < end; q++)
            if (*q == '<' || (*q == '&' && !entity_ok(q)))
                return *why = "raw < or & in an attribute value", NULL;
        p = end + 1;
        if (!strchr(" \t\n/>", *p))
            return *why = "attributes not separated", NULL;
    }
}

/* NULL when every element is closed in order, attribute values are quoted
 * and '&' and '<' appear only as markup; else the reason. */
static const char *xml_check(const char *s)
{
    const char *names[256];
    size_t lens[256];
    int depth = 0;
    const char *why = NULL;
    while (*s) {
        if (*s == '&' && !entity_ok(s))
            return "raw & in text";
        if (*s != '<') {
            s++;
            continue;
        }
        if (s[1] == '/') {
            size_t n = strcspn(s + 2, ">");
            if (depth == 0 || n != lens[depth - 1] || strncmp(s + 2, names[depth - 1], n))
                return "end tag does not match its start tag";
            depth--;
            s += n + 3;
            continue;
        }
        size_t n = strcspn(s + 1, " \t\n/>");
        int self_closed = 0;
        if (n == 0)
            return "'<' not starting a tag";
        const char *next = attributes(s + 1 + n, &self_closed, &why);
        if (!next)
            return why;
        if (!self_closed) {
            if (depth == 256)
                return "too deep";
            names[depth] = s + 1, lens[depth++] = n;
        }
        s = next;
    }
    return depth ? "element not closed" : NULL;
}

static void assert_well_formed(const char *svg)
{
    const char *why = xml_check(svg);
    if (why)
        fail_msg("not well-formed XML: %s\n%s", why, svg);
    CPLXMLNode *doc = CPLParseXMLString(svg); /* a second, independent parser */
    assert_non_null(doc);
    CPLDestroyXMLNode(doc);
}

/* The check itself catches what it is there for. */
static void test_checker_rejects_malformed(void **state)
{
    (void)state;
    assert_null(xml_check("<svg a=\"1\"><g><circle r=\"2\"/></g>"
                          "<text>&lt;&#39;&#x41;</text></svg>"));
    assert_non_null(xml_check("<svg><g></svg></g>"));
    assert_non_null(xml_check("<svg><text>a & b</text></svg>"));
    assert_non_null(xml_check("<svg a=1></svg>"));
    assert_non_null(xml_check("<svg a=\"<\"></svg>"));
    assert_non_null(xml_check("<svg><text>1 < 2</text></svg>"));
    assert_non_null(xml_check("<svg>"));
}

/* ---- ticks ---- */

static void assert_ticks(const double *got, int n, const double *want, int nwant)
{
    assert_int_equal(n, nwant);
    for (int i = 0; i < n; i++)
        if (fabs(got[i] - want[i]) > 1e-9 * fmax(1, fabs(want[i])))
            fail_msg("tick %d: %g, expected %g", i, got[i], want[i]);
}

static void test_nice_ticks(void **state)
{
    (void)state;
    double t[SM_SVG_MAXTICKS], step;
    assert_ticks(t, sm_svg_ticks(0, 937, 6, t, &step), (const double[]){0, 200, 400, 600, 800}, 5);
    assert_true(step == 200);
    assert_ticks(t, sm_svg_ticks(0, 1, 6, t, &step), (const double[]){0, 0.2, 0.4, 0.6, 0.8, 1}, 6);
    assert_ticks(t, sm_svg_ticks(-3.2, 2.7, 6, t, NULL), (const double[]){-3, -2, -1, 0, 1, 2}, 6);
    assert_ticks(t, sm_svg_ticks(0.9, 1.1, 6, t, &step), (const double[]){0.9, 0.95, 1, 1.05, 1.1},
                 5);
    assert_ticks(t, sm_svg_ticks(5, 5, 6, t, NULL), (const double[]){5}, 1); /* degenerate */
    assert_false(signbit(t[0]));
    sm_svg_ticks(-1, 1, 3, t, NULL);
    assert_false(signbit(t[1])); /* zero is "0", never "-0" */
}

/* Over many ranges: at most max ticks, at least two, inside the range,
 * evenly spaced by 1, 2 or 5 times a power of ten. */
static void test_nice_ticks_properties(void **state)
{
    (void)state;
    srand(7);
    for (int trial = 0; trial < 2000; trial++) {
        double lo = (rand() / (double)RAND_MAX - 0.5) * pow(10, rand() % 9 - 4);
        double hi = lo + rand() / (double)RAND_MAX * pow(10, rand() % 9 - 4) + 1e-6;
        double t[SM_SVG_MAXTICKS], step;
        int n = sm_svg_ticks(lo, hi, 6, t, &step);
        assert_true(n >= 2 && n <= 6);
        double mant = step / pow(10, floor(log10(step) + 1e-9));
        assert_true(fabs(mant - 1) < 1e-6 || fabs(mant - 2) < 1e-6 || fabs(mant - 5) < 1e-6);
        for (int i = 0; i < n; i++) {
            assert_true(t[i] >= lo - 1e-9 * step && t[i] <= hi + 1e-9 * step);
            if (i)
                assert_true(fabs(t[i] - t[i - 1] - step) < 1e-6 * step + 1e-12 * fabs(t[i]));
        }
    }
}

static void test_log_ticks(void **state)
{
    (void)state;
    double t[SM_SVG_MAXTICKS];
    /* three decades or more: the powers of ten */
    assert_ticks(t, sm_svg_log_ticks(0.05, 13.27, 6, t), (const double[]){0.1, 1, 10}, 3);
    /* too many decades: every second one */
    assert_ticks(t, sm_svg_log_ticks(1, 1e6, 4, t), (const double[]){1, 100, 1e4, 1e6}, 4);
    /* fewer than three powers: 1, 2 and 5 times them */
    assert_ticks(t, sm_svg_log_ticks(20, 480, 6, t), (const double[]){20, 50, 100, 200}, 4);
    /* ... unless that gives too many: the powers alone */
    assert_ticks(t, sm_svg_log_ticks(1, 99, 3, t), (const double[]){1, 10}, 2);
    /* inside one decade: linear ticks */
    assert_ticks(t, sm_svg_log_ticks(3, 8, 6, t), (const double[]){3, 4, 5, 6, 7, 8}, 6);
}

static void test_tick_labels(void **state)
{
    (void)state;
    char b[32];
    sm_svg_tick_label(0.1 + 0.2, 0.1, b, sizeof b); /* 0.30000000000000004 */
    assert_string_equal(b, "0.3");
    sm_svg_tick_label(800, 200, b, sizeof b);
    assert_string_equal(b, "800");
    sm_svg_tick_label(0.95, 0.05, b, sizeof b);
    assert_string_equal(b, "0.95");
    sm_svg_tick_label(1e-6, 0, b, sizeof b);
    assert_string_equal(b, "1e-06");
    sm_svg_tick_label(0, 0.2, b, sizeof b);
    assert_string_equal(b, "0");
    sm_svg_tick_label(2e6, 1e6, b, sizeof b);
    assert_string_equal(b, "2e+06");
}

/* ---- coordinates ---- */

static void assert_near(double got, double want)
{
    if (!(fabs(got - want) <= 1e-9 * fmax(1, fabs(want))))
        fail_msg("%.17g, expected %.17g", got, want);
}

static void test_coordinates(void **state)
{
    (void)state;
    sm_svgplot p;
    sm_svgplot_init(&p, stdout, 400, 300);
    p.left = 50, p.right = 10, p.top = 20, p.bottom = 30;
    p.x = (sm_svg_axis){0, 100, 0, NULL};
    p.y = (sm_svg_axis){1, 1000, 1, NULL};
    assert_near(sm_svgplot_px(&p, 0), 50);
    assert_near(sm_svgplot_px(&p, 100), 390);
    assert_near(sm_svgplot_px(&p, 25), 50 + 0.25 * 340);
    assert_near(sm_svgplot_py(&p, 1), 270); /* y grows downwards */
    assert_near(sm_svgplot_py(&p, 1000), 20);
    assert_near(sm_svgplot_py(&p, 10), 270 - 250.0 / 3); /* a third of the decades */
    assert_true(isnan(sm_svgplot_py(&p, 0)));            /* not on a log axis */
    assert_true(isnan(sm_svgplot_py(&p, -5)));
    assert_true(isnan(sm_svgplot_px(&p, NAN)));
    double lo = 3, hi = 3;
    sm_svg_pad_range(&lo, &hi, 0, 0);
    assert_true(hi > lo);
    lo = 10, hi = 1000;
    sm_svg_pad_range(&lo, &hi, 1, 0.5); /* half of two decades on each side */
    assert_near(lo, 1);
    assert_near(hi, 10000);
}

/* A point lands where px/py say; points off the axes or not numbers are not drawn. */
static void test_points_drawn_where_mapped(void **state)
{
    (void)state;
    capture c;
    sm_svgplot p;
    sm_svgplot_init(&p, capture_begin(&c), 300, 200);
    p.x = (sm_svg_axis){0, 10, 0, NULL};
    p.y = (sm_svg_axis){0, 1, 0, NULL};
    double x[] = {2.5, 11, NAN, 0, 10}, y[] = {0.5, 0.5, 0.5, 0, 1};
    assert_int_equal(sm_svgplot_points(&p, x, y, 5, 2, "pt", "#000"), 3);
    char *svg = capture_end(&c), want[96];
    snprintf(want, sizeof want, "cx=\"%.1f\" cy=\"%.1f\"", sm_svgplot_px(&p, 2.5),
             sm_svgplot_py(&p, 0.5));
    assert_non_null(strstr(svg, want));
    assert_int_equal(count(svg, "<circle"), 3);
    free(svg);
}

/* ---- escaping ---- */

static void test_escape(void **state)
{
    (void)state;
    char *s = escaped("a <b> & \"c\" 'd'");
    assert_string_equal(s, "a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;");
    free(s);
    s = escaped("caf\xc3\xa9 \xe2\x98\x90 ok"); /* valid UTF-8 passes through */
    assert_string_equal(s, "caf\xc3\xa9 \xe2\x98\x90 ok");
    free(s);
    s = escaped("x\x01y\tz"); /* a control character XML cannot hold is dropped */
    assert_string_equal(s, "xy\tz");
    free(s);
    s = escaped("bad \xff and cut \xe2\x98"); /* invalid bytes: U+FFFD each */
    assert_string_equal(s, "bad &#xFFFD; and cut &#xFFFD;&#xFFFD;");
    free(s);
    s = escaped("\xc0\xaf \xed\xa0\x80"); /* an overlong '/' and a surrogate */
    assert_int_equal(count(s, "&#xFFFD;"), 5);
    free(s);
    s = escaped(NULL);
    assert_string_equal(s, "");
    free(s);
}

/* ---- whole figures ---- */

static void draw_everything(FILE *out, const char *hostile)
{
    sm_svgplot p;
    sm_svgplot_init(&p, out, 480, 320);
    p.x = (sm_svg_axis){0, 937, 0, hostile};
    p.y = (sm_svg_axis){0.01, 100, 1, hostile};
    sm_svgplot_begin(&p, "plot-<1>", "a&b", hostile);
    sm_svgplot_axes(&p);
    double x[] = {10, 300, 900}, y[] = {0.05, 3, 80};
    sm_svgplot_points(&p, x, y, 3, 3, "lag", "#1f77b4");
    sm_svgplot_polyline(&p, x, y, 3, "model", "#d62728");
    sm_svgplot_rect(&p, 100, 0.01, 200, 10, "bar", "#4c78a8");
    sm_svgplot_text(&p, 300, 3, 5, -5, "np", hostile);
    sm_svgplot_end(&p);
}

static void test_plot_is_well_formed_xml(void **state)
{
    (void)state;
    const char *hostile = "<script>alert(\"x\")</script> & 'co'";
    capture c;
    draw_everything(capture_begin(&c), hostile);
    char *svg = capture_end(&c);
    assert_well_formed(svg);
    assert_null(strstr(svg, "<script"));
    assert_int_equal(count(svg, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                                "&#39;co&#39;"),
                     5); /* <title>, heading, two axis titles, one label */
    assert_non_null(strstr(svg, "id=\"plot-&lt;1&gt;\""));
    assert_int_equal(count(svg, "class=\"lag\""), 3);
    assert_true(count(svg, "class=\"tick\"") >= 5); /* both axes have labelled ticks */
    free(svg);
}

static void test_legends(void **state)
{
    (void)state;
    sm_colormap m[3];
    const unsigned char rgba[3][4] = {{26, 150, 65, 255}, {254, 224, 139, 255}, {215, 25, 28, 255}};
    const char *const names[] = {"below <guideline>", "above & beyond", "far \"above\""};
    sm_colormap_concentration("cd (mg/kg)", 0.2, 3, &m[0]);
    sm_colormap_probability("P(cd > guideline)", &m[1]);
    sm_colormap_classes("cd class", 3, rgba, names, &m[2]);
    for (int i = 0; i < 3; i++) {
        capture c;
        sm_svg_legend(capture_begin(&c), "legend", &m[i]);
        char *svg = capture_end(&c);
        assert_well_formed(svg);
        for (int s = 0; s < m[i].n; s++) { /* every stop is labelled */
            char *label = escaped(m[i].stops[s].label);
            assert_non_null(strstr(svg, label));
            free(label);
        }
        if (i == 2) { /* one swatch per class, in the class's own colour */
            assert_non_null(strstr(svg, "fill=\"#1a9641\""));
            assert_non_null(strstr(svg, "fill=\"#fee08b\""));
            assert_non_null(strstr(svg, "fill=\"#d7191c\""));
            assert_non_null(strstr(svg, "above &amp; beyond"));
        }
        if (i == 1) /* the transparent end of the ramp stays (almost) see-through */
            assert_non_null(strstr(svg, "fill-opacity=\"0.0"));
        free(svg);
    }
}

/* ---- labels and class colours ---- */

static int overlap(const double *a, const double *b)
{
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/* Variogram-like points bunched along a curve, with counts of 2 to 4
 * digits: every label placed, none overlapping another or covering a point,
 * all inside the figure. Placing each at (5, -5) (the old way) overlaps. */
static void test_labels_do_not_overlap(void **state)
{
    (void)state;
    enum { N = 16 };
    double px[N], py[N], tx[N], ty[N], box[N][4], naive[N][4];
    char text[N][8];
    const char *t[N];
    for (int i = 0; i < N; i++) {
        px[i] = 60 + 18 * i, py[i] = 200 - 120 * (1 - exp(-i / 4.0));
        snprintf(text[i], sizeof text[i], "%d", 80 + 331 * i);
        t[i] = text[i];
    }
    int naive_overlaps = 0;
    for (int i = 0; i < N; i++) {
        sm_svg_label_box(t[i], px[i] + 5, py[i] - 5, naive[i]);
        for (int j = 0; j < i; j++)
            naive_overlaps += overlap(naive[i], naive[j]);
    }
    assert_true(naive_overlaps > 0); /* the case is a real one */
    assert_int_equal(sm_svg_place_labels(px, py, t, N, 400, 260, tx, ty), N);
    for (int i = 0; i < N; i++) {
        assert_false(isnan(tx[i]));
        sm_svg_label_box(t[i], tx[i], ty[i], box[i]);
        assert_true(box[i][0] >= 0 && box[i][1] >= 0 && box[i][2] <= 400 && box[i][3] <= 260);
        for (int j = 0; j < i; j++)
            assert_false(overlap(box[i], box[j]));
        for (int j = 0; j < N; j++) {
            double pt[4] = {px[j] - 3.5, py[j] - 3.5, px[j] + 3.5, py[j] + 3.5};
            assert_false(overlap(box[i], pt));
        }
    }
    /* no room at all: the label is left out, not drawn over another */
    double qx[2] = {10, 10}, qy[2] = {10, 10};
    const char *wide[2] = {"123456789012345678901234567890", "123456789012345678901234567890"};
    assert_true(sm_svg_place_labels(qx, qy, wide, 2, 20, 20, tx, ty) < 2);
}

/* Below the first tier green; every class above it orange to dark red:
 * red clearly above green and blue, never pale (the old tier-1 colour was
 * pale yellow 254, 224, 139). */
static void test_exceedance_colours(void **state)
{
    (void)state;
    for (int ntiers = 1; ntiers <= 5; ntiers++) {
        unsigned char c[4];
        sm_colormap_class_colour(0, ntiers, c);
        assert_true(c[1] > c[0] && c[1] > c[2]);
        int last_g = 256;
        for (int k = 1; k <= ntiers; k++) {
            sm_colormap_class_colour(k, ntiers, c);
            assert_true(c[0] >= 120 && c[0] > c[1] + 80 && c[0] > c[2] + 60);
            assert_true(c[1] <= 150 && c[2] <= 70); /* not yellow, not pale */
            assert_true(c[1] <= last_g);            /* darker with each tier */
            last_g = c[1];
        }
    }
    sm_colormap m;
    const char *names[] = {"below guideline", "above guideline"};
    sm_colormap_exceedance("cd class", 1, names, &m);
    assert_int_equal(m.n, 2);
    assert_string_equal(m.stops[1].label, "above guideline");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checker_rejects_malformed),
        cmocka_unit_test(test_nice_ticks),
        cmocka_unit_test(test_nice_ticks_properties),
        cmocka_unit_test(test_log_ticks),
        cmocka_unit_test(test_tick_labels),
        cmocka_unit_test(test_coordinates),
        cmocka_unit_test(test_points_drawn_where_mapped),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_plot_is_well_formed_xml),
        cmocka_unit_test(test_legends),
        cmocka_unit_test(test_labels_do_not_overlap),
        cmocka_unit_test(test_exceedance_colours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
