// Package analytics computes the indicators of gender-responsive
// participatory budgeting from a cycle's aggregates (INDICATORS.md §1–§3
// and §6): the participation funnel with women's shares and gender parity
// indices, representation against the census, the success ratio of women's
// proposals, allocation by category and area, the inequality of per-capita
// allocation (Lorenz, Gini, Theil T and L with their decomposition,
// Atkinson, Palma, coefficient of variation, concentration index, bootstrap
// intervals), gender-marker shares, benefit incidence by sex, execution
// rates, and small-cell suppression of everything it publishes.
//
// It is pure computation on Go values with gonum: no I/O, no context, no
// SQL. It imports only the standard library, gonum and the root package; it
// must not import database/sql or the DuckDB driver, so that the reports and
// server tests never link DuckDB. Allocation rules live in the subpackage
// analytics/rules.
package analytics
