/* The remediation score and the screening priority rules, computed by hand. */
#include "remediate/remediate.h"
#include "screen/screen.h"
#include "testutil.h"

#include <math.h>

static sm_remediation_config weights(double env, double social, double econ, double bonus)
{
    sm_remediation_config rc = {0};
    rc.w_env = env, rc.w_social = social, rc.w_econ = econ, rc.nature_bonus = bonus;
    return rc;
}

/* A phytoextraction-like option on a 5 ha metal hotspot in farmland:
 *   applicability  (2/3 + 0/3) / 2                      = 1/3 (covers one of two groups)
 *   sustainability (0.4*9 + 0.3*7 + 0.3*6) / 10          = 0.75
 *   cost fit       1 - (1-1)/4 * min(1, 5/10)            = 1
 *   duration fit   1 - min(1, 180/120)                   = 0 (not urgent: 120-month horizon)
 *   practicality   (1 + 0) / 2                           = 0.5
 *   bonus          nature-based: 0.1
 *   total          0.4/3 + 0.4*0.75 + 0.2*0.5 + 0.1     = 0.63333... */
static void test_score_by_hand(void **state)
{
    (void)state;
    sm_remediation_config rc = weights(0.4, 0.3, 0.3, 0.1);
    sm_technology t = {"phyto", "phytoextraction", 2, 1, 180, 9, 7, 6};
    int ratings[] = {2, 0};
    sm_score s;
    sm_remediation_score(&rc, &t, ratings, 2, 5.0, 0, &s);
    assert_int_equal(s.covered, 1);
    assert_int_equal(s.groups, 2);
    assert_true(fabs(s.applicability - 1.0 / 3) < 1e-12);
    assert_true(fabs(s.sustainability - 0.75) < 1e-12);
    assert_true(fabs(s.cost_fit - 1) < 1e-12 && fabs(s.duration_fit) < 1e-12);
    assert_true(fabs(s.total - (0.4 / 3 + 0.3 + 0.1 + 0.1)) < 1e-12);
}

/* Cost weighs with area; duration with the land use's urgency; "partly"
 * nature-based gets half the bonus. */
static void test_score_components(void **state)
{
    (void)state;
    sm_remediation_config rc = weights(1, 0, 0, 0.2);
    sm_technology t = {"wash", "soil washing", 1, 5, 12, 5, 5, 5};
    int ratings[] = {3};
    sm_score small, big, urgent;
    sm_remediation_score(&rc, &t, ratings, 1, 1.0, 0, &small);
    sm_remediation_score(&rc, &t, ratings, 1, 50.0, 0, &big);
    sm_remediation_score(&rc, &t, ratings, 1, 50.0, 1, &urgent);
    assert_true(fabs(small.cost_fit - (1 - 1.0 * 0.1)) < 1e-12); /* class 5, 1 ha */
    assert_true(fabs(big.cost_fit - 0) < 1e-12);                 /* class 5, >= 10 ha */
    assert_true(fabs(big.duration_fit - (1 - 12.0 / 120)) < 1e-12);
    assert_true(fabs(urgent.duration_fit - (1 - 12.0 / 24)) < 1e-12);
    assert_true(fabs(small.bonus - 0.1) < 1e-12); /* partly: half of 0.2 */
    assert_true(fabs(small.applicability - 1) < 1e-12);
    assert_true(fabs(small.sustainability - 0.5) < 1e-12);
}

/* More weight on the pillar where an option is strong raises its score. */
static void test_weights_move_scores(void **state)
{
    (void)state;
    sm_technology green = {"g", "green", 2, 1, 6, 9, 5, 3},
                  cheap = {"c", "cheap", 0, 1, 6, 3, 5, 9};
    int ratings[] = {3};
    sm_score g1, c1, g2, c2;
    sm_remediation_config env = weights(0.8, 0.1, 0.1, 0), econ = weights(0.1, 0.1, 0.8, 0);
    sm_remediation_score(&env, &green, ratings, 1, 1, 0, &g1);
    sm_remediation_score(&env, &cheap, ratings, 1, 1, 0, &c1);
    sm_remediation_score(&econ, &green, ratings, 1, 1, 0, &g2);
    sm_remediation_score(&econ, &cheap, ratings, 1, 1, 0, &c2);
    assert_true(g1.total > c1.total);
    assert_true(c2.total > g2.total);
}

static void test_screen_priority_rules(void **state)
{
    (void)state;
    assert_int_equal(sm_screen_priority(0.10, 0.50, 3), 1); /* top tier likely */
    assert_int_equal(sm_screen_priority(0.80, NAN, 0.9), 1);
    assert_int_equal(sm_screen_priority(0.79, 0.49, 9), 2);
    assert_int_equal(sm_screen_priority(0.50, NAN, 0), 2);
    assert_int_equal(sm_screen_priority(0.49, NAN, 0), 3);
    assert_int_equal(sm_screen_priority(0.20, NAN, 0), 3);
    assert_int_equal(sm_screen_priority(0.19, NAN, 5), 4);
    /* without probabilities (IDW): the ratio */
    assert_int_equal(sm_screen_priority(NAN, NAN, 2.0), 1);
    assert_int_equal(sm_screen_priority(NAN, NAN, 1.0), 2);
    assert_int_equal(sm_screen_priority(NAN, NAN, 0.5), 3);
    assert_int_equal(sm_screen_priority(NAN, NAN, 0.49), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_by_hand),
        cmocka_unit_test(test_score_components),
        cmocka_unit_test(test_weights_move_scores),
        cmocka_unit_test(test_screen_priority_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
