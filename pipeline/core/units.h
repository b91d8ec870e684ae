/* Concentration units: everything is normalised to mg/kg dry weight. */
#ifndef SM_UNITS_H
#define SM_UNITS_H

/* Factor that turns a value in unit into mg/kg; 0 on success, -1 if the unit
 * is unknown. Case-insensitive; "µg/kg", "ug/kg" and "μg/kg" are one unit. */
int sm_unit_to_mgkg(const char *unit, double *factor);

/* Comma-separated list of the accepted units, for error messages. */
const char *sm_unit_names(void);

#endif
