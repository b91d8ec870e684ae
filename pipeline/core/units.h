/* Concentration units: mass fractions are normalised to mg/kg dry weight;
 * any other unit (nSv/h, Bq/kg, a lab's index) is kept as given. */
#ifndef SM_UNITS_H
#define SM_UNITS_H

/* Factor that turns a value in unit into mg/kg; 0 on success, -1 if the unit
 * is unknown. Case-insensitive; "µg/kg", "ug/kg" and "μg/kg" are one unit. */
int sm_unit_to_mgkg(const char *unit, double *factor);

/* A unit soilmap does not convert: its values are used as given, and the
 * guideline values compared with them must be in the same unit. */
#define SM_UNIT_AS_GIVEN 0.0

/* Comma-separated list of the accepted units, for error messages. */
const char *sm_unit_names(void);

/* The largest concentration there can be: 1e6 mg/kg is the whole mass of the
 * sample. It also keeps squared differences (variograms) far from overflow. */
#define SM_MGKG_MAX 1e6

/* value, in a unit whose factor is to_mgkg, converted into *mgkg. NULL if the
 * result is a possible concentration; else why not (static text): infinite,
 * above SM_MGKG_MAX, or a positive value that underflows. A factor of
 * SM_UNIT_AS_GIVEN copies the value and only refuses an infinite one. */
const char *sm_unit_convert(double value, double to_mgkg, double *mgkg);

#endif
