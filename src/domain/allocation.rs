//! Cost allocation (fordeling af fællesudgifter): splitting a total in øre across paying units so
//! that the shares always add up to the total, and deciding which years an allocation falls in.
//!
//! The split is the largest-remainder method: each unit first gets its exact proportion rounded
//! down; the øre left over (fewer than the number of units) go one each to the units with the
//! largest remainders. Ties go to the unit with the larger weight, then to the lower group id, so
//! the result depends only on the set of (group, weight) pairs, never on the order they came in.

use std::cmp::Reverse;

use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, EnumIter, EnumString};
use utoipa::ToSchema;

/// The largest total an allocation may have: ten trillion kroner, far above any municipal budget and
/// far below where the arithmetic (in `i128`) could overflow.
pub const MAX_TOTAL_ORE: i64 = 1_000_000_000_000_000;
/// The largest weight of one unit.
pub const MAX_WEIGHT: i64 = 1_000_000_000;

stored_enum! {
    /// How the total is split across the paying units.
    pub enum Method [Hash, EnumIter] {
        /// The same share for every unit.
        Equal,
        /// In proportion to a `weight` per unit.
        Weighted,
        /// An `amount_ore` per unit, adding up to the total.
        Fixed,
        /// In proportion to the number of active users seen in each unit's groups, counted when the
        /// allocation is computed and kept with it.
        ByActiveUsers,
    }
}

stored_enum! {
    /// One payment or one every year.
    pub enum Recurrence [Hash, EnumIter] {
        /// Paid once, in the first year.
        OneOff,
        /// Paid every year from the first year to the last (or on).
        Annual,
    }
}

stored_enum! {
    /// Where an allocation is in its life.
    pub enum AllocationStatus [Hash, EnumIter] {
        /// Put forward, not yet decided; reports leave it out unless asked.
        Proposed,
        /// Decided: the units pay.
        Approved,
        /// No longer running; the years it ran still count.
        Ended,
    }
}

/// The currencies an allocation may be in.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    EnumIter,
    AsExpression,
    FromSqlRow,
)]
#[diesel(sql_type = Text)]
pub enum Currency {
    /// Danish kroner; amounts are in øre.
    #[serde(rename = "DKK")]
    #[strum(serialize = "DKK")]
    Dkk,
}

stored_enum! {
    /// The kind of a financial consequence of an agenda item.
    pub enum AmountKind [Hash, EnumIter] {
        /// Udgift: what can be split across units as an allocation.
        Expense,
        /// Indtægt.
        Income,
        /// Besparelse, e.g. "fremtidige besparelser".
        Saving,
        /// Tilbagebetalingskrav.
        RepaymentClaim,
    }
}

/// Why a split cannot be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitError {
    /// Nobody to pay.
    NoPayers,
    /// Every weight is zero (e.g. no active users seen in any paying unit).
    NoWeight,
    /// `fixed` amounts that do not add up to the total.
    FixedMismatch { sum: i128, total: i64 },
}

/// What each unit pays of `total_ore`, in proportion to its weight: `(group id, share in øre)` in the
/// order of `weights`. The shares add up to the total exactly, and each is its exact proportion
/// rounded down or up.
pub fn split(total_ore: i64, weights: &[(i64, i64)]) -> Result<Vec<(i64, i64)>, SplitError> {
    if weights.is_empty() {
        return Err(SplitError::NoPayers);
    }
    let sum: i128 = weights.iter().map(|(_, w)| i128::from(*w)).sum();
    if sum <= 0 {
        return Err(SplitError::NoWeight);
    }
    let total = i128::from(total_ore);
    // (index, share rounded down, remainder of the division)
    let mut parts: Vec<(usize, i128, i128)> = weights
        .iter()
        .enumerate()
        .map(|(index, (_, weight))| {
            let exact = total * i128::from(*weight);
            (index, exact.div_euclid(sum), exact.rem_euclid(sum))
        })
        .collect();
    let handed_out: i128 = parts.iter().map(|(_, share, _)| share).sum();
    let left = usize::try_from(total - handed_out).expect("fewer øre left than units");
    let mut by_remainder: Vec<usize> = (0..parts.len()).collect();
    by_remainder.sort_by_key(|&i| (Reverse(parts[i].2), Reverse(weights[i].1), weights[i].0));
    for &i in by_remainder.iter().take(left) {
        parts[i].1 += 1;
    }
    Ok(parts
        .into_iter()
        .map(|(index, share, _)| {
            (weights[index].0, i64::try_from(share).expect("a share is never more than the total"))
        })
        .collect())
}

/// The same share for every unit.
pub fn split_equally(total_ore: i64, groups: &[i64]) -> Result<Vec<(i64, i64)>, SplitError> {
    split(total_ore, &groups.iter().map(|g| (*g, 1)).collect::<Vec<_>>())
}

/// Fixed amounts, which must add up to the total.
pub fn fixed(total_ore: i64, amounts: &[(i64, i64)]) -> Result<Vec<(i64, i64)>, SplitError> {
    if amounts.is_empty() {
        return Err(SplitError::NoPayers);
    }
    let sum: i128 = amounts.iter().map(|(_, a)| i128::from(*a)).sum();
    if sum != i128::from(total_ore) {
        return Err(SplitError::FixedMismatch { sum, total: total_ore });
    }
    Ok(amounts.to_vec())
}

/// Whether an allocation falls in `year`: a one-off in its first year, an annual one from its first
/// year to its last (or on, without one).
pub fn falls_in(recurrence: Recurrence, first_year: i32, last_year: Option<i32>, year: i32) -> bool {
    match recurrence {
        Recurrence::OneOff => year == first_year,
        Recurrence::Annual => year >= first_year && last_year.is_none_or(|last| year <= last),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const KR: i64 = 100;

    #[test]
    fn the_seeds_figures_come_out_exactly() {
        // MARS mellemkommunale betalinger: 193,746 kr. a year over seven units.
        let seven: Vec<i64> = (1..=7).collect();
        let shares = split_equally(193_746 * KR, &seven).unwrap();
        assert!(shares.iter().all(|(_, s)| *s == 27_678 * KR), "{shares:?}");
        // MARS særligt dyre enkeltsager: 48,436 kr. over four.
        let shares = split_equally(48_436 * KR, &[1, 4, 5, 7]).unwrap();
        assert!(shares.iter().all(|(_, s)| *s == 12_109 * KR), "{shares:?}");
        // The implementation, 120,000 kr. once, to Økonomistaben alone.
        assert_eq!(split_equally(120_000 * KR, &[7]).unwrap(), vec![(7, 120_000 * KR)]);
        // FirstAgenda licences, 50,000 kr. by active users: 7, 11 and 13.
        let shares = split(50_000 * KR, &[(1, 7), (2, 11), (3, 13)]).unwrap();
        assert_eq!(shares, vec![(1, 1_129_032), (2, 1_774_194), (3, 2_096_774)]);
        assert_eq!(shares.iter().map(|(_, s)| s).sum::<i64>(), 50_000 * KR);
    }

    #[test]
    fn leftover_ore_go_by_largest_remainder_then_weight_then_group() {
        // 100 øre over three equal units: 33 each and one left; the remainders tie, the weights
        // tie, so the lowest group id gets it, whatever the order.
        assert_eq!(split_equally(100, &[9, 3, 5]).unwrap(), vec![(9, 33), (3, 34), (5, 33)]);
        // 10 øre by weights 1 and 2: exact 3.33 and 6.67; the larger remainder gets the øre.
        assert_eq!(split(10, &[(1, 1), (2, 2)]).unwrap(), vec![(1, 3), (2, 7)]);
        // 1 øre by weights 2 and 2 and 1: remainders 0.4, 0.4, 0.2: a tie on remainder and weight.
        assert_eq!(split(1, &[(8, 2), (4, 2), (6, 1)]).unwrap(), vec![(8, 0), (4, 1), (6, 0)]);
        // 2 øre by weights 1 and 3: exact 0.5 and 1.5, a tie on remainder: the larger weight gets it.
        assert_eq!(split(2, &[(1, 1), (2, 3)]).unwrap(), vec![(1, 0), (2, 2)]);
    }

    #[test]
    fn refused_splits() {
        assert_eq!(split(100, &[]), Err(SplitError::NoPayers));
        assert_eq!(split(100, &[(1, 0), (2, 0)]), Err(SplitError::NoWeight));
        assert_eq!(fixed(100, &[(1, 60), (2, 30)]), Err(SplitError::FixedMismatch { sum: 90, total: 100 }));
        assert_eq!(fixed(100, &[(1, 60), (2, 40)]), Ok(vec![(1, 60), (2, 40)]));
        // A unit without weight pays nothing; the others pay it all.
        assert_eq!(split(100, &[(1, 0), (2, 1)]).unwrap(), vec![(1, 0), (2, 100)]);
    }

    #[test]
    fn years_an_allocation_falls_in() {
        assert!(falls_in(Recurrence::OneOff, 2021, None, 2021));
        assert!(!falls_in(Recurrence::OneOff, 2021, None, 2022));
        assert!(falls_in(Recurrence::Annual, 2021, None, 2030));
        assert!(!falls_in(Recurrence::Annual, 2021, None, 2020));
        assert!(falls_in(Recurrence::Annual, 2021, Some(2023), 2023));
        assert!(!falls_in(Recurrence::Annual, 2021, Some(2023), 2024));
    }

    fn payers() -> impl Strategy<Value = Vec<(i64, i64)>> {
        // Distinct group ids with weights, some of them zero, at least one not.
        prop::collection::btree_map(1i64..10_000, 0i64..=MAX_WEIGHT, 1..40)
            .prop_map(|m| m.into_iter().collect::<Vec<_>>())
            .prop_filter("some weight", |v| v.iter().any(|(_, w)| *w > 0))
    }

    proptest! {
        #[test]
        fn shares_add_up_to_the_total(total in 0i64..=MAX_TOTAL_ORE, weights in payers()) {
            let shares = split(total, &weights).unwrap();
            prop_assert_eq!(shares.iter().map(|(_, s)| i128::from(*s)).sum::<i128>(), i128::from(total));
        }

        #[test]
        fn no_share_is_an_ore_or_more_from_its_exact_proportion(
            total in 0i64..=MAX_TOTAL_ORE,
            weights in payers(),
        ) {
            let sum: i128 = weights.iter().map(|(_, w)| i128::from(*w)).sum();
            for ((_, weight), (_, share)) in weights.iter().zip(split(total, &weights).unwrap()) {
                // |share - total·weight/sum| < 1, in integers: |share·sum - total·weight| < sum.
                let distance = (i128::from(share) * sum - i128::from(total) * i128::from(*weight)).abs();
                prop_assert!(distance < sum, "share {} of weight {} is too far off", share, weight);
            }
        }

        #[test]
        fn the_order_of_the_payers_does_not_matter(
            total in 0i64..=MAX_TOTAL_ORE,
            (weights, shuffled) in payers().prop_flat_map(|w| (Just(w.clone()), Just(w).prop_shuffle())),
        ) {
            let mut a = split(total, &weights).unwrap();
            let mut b = split(total, &shuffled).unwrap();
            a.sort_unstable();
            b.sort_unstable();
            prop_assert_eq!(a, b);
        }
    }
}
