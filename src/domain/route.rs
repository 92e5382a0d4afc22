//! A case's route (sagens gang): the bodies that treat it, in order, e.g. "Udvalget for Klima og
//! Miljø, Økonomiudvalget og Byrådet", with the reading where a body treats it more than once
//! ("Byrådet – 1. behandling, Byrådet – 2. behandling") and the one body that decides it ("Sagen
//! afgøres i Byrådet").
//!
//! Steps are matched to the case's items by committee and order: the n-th step naming a committee
//! is the n-th item of the case in that committee's meetings, in meeting order.

/// One step of a route as a client gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub committee_id: i64,
    pub reading: Option<i32>,
    pub decides: bool,
}

/// Why a route is refused: the field at fault (`steps`, or `steps[i].…`) and the reason.
pub fn route_refusal(steps: &[Step]) -> Option<(String, &'static str)> {
    if steps.iter().filter(|s| s.decides).count() != 1 {
        return Some(("steps".into(), "one step decides the case (\"Sagen afgøres i\"): mark exactly one `decides`"));
    }
    for (i, step) in steps.iter().enumerate() {
        let same: Vec<&Step> = steps.iter().filter(|s| s.committee_id == step.committee_id).collect();
        let nth = steps[..i].iter().filter(|s| s.committee_id == step.committee_id).count() as i32 + 1;
        let expected = (same.len() > 1).then_some(nth);
        if step.reading != expected {
            let reason = if same.len() > 1 {
                "a body that treats the case more than once numbers its readings 1, 2, … in order"
            } else {
                "a reading is numbered only where the body treats the case more than once"
            };
            return Some((format!("steps[{i}].reading"), reason));
        }
    }
    None
}

/// For each step, which of its committee's items (0 for the first) it is.
pub fn occurrences(steps: &[i64]) -> Vec<usize> {
    steps.iter().enumerate().map(|(i, committee)| steps[..i].iter().filter(|c| *c == committee).count()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(committee_id: i64, reading: Option<i32>, decides: bool) -> Step {
        Step { committee_id, reading, decides }
    }

    #[test]
    fn a_committee_then_finance_then_two_readings_in_council() {
        let route = [step(1, None, false), step(2, None, false), step(3, Some(1), false), step(3, Some(2), true)];
        assert_eq!(route_refusal(&route), None);
        assert_eq!(occurrences(&[1, 2, 3, 3]), vec![0, 0, 0, 1]);
    }

    #[test]
    fn exactly_one_body_decides() {
        assert_eq!(route_refusal(&[step(1, None, false)]).map(|r| r.0), Some("steps".into()));
        let two = [step(1, None, true), step(2, None, true)];
        assert_eq!(route_refusal(&two).map(|r| r.0), Some("steps".into()));
    }

    #[test]
    fn readings_are_numbered_only_for_a_body_met_more_than_once() {
        let unnumbered = [step(3, None, false), step(3, None, true)];
        assert_eq!(route_refusal(&unnumbered).map(|r| r.0), Some("steps[0].reading".into()));
        let backwards = [step(3, Some(2), false), step(3, Some(1), true)];
        assert_eq!(route_refusal(&backwards).map(|r| r.0), Some("steps[0].reading".into()));
        let single = [step(1, Some(1), true)];
        assert_eq!(route_refusal(&single).map(|r| r.0), Some("steps[0].reading".into()));
    }
}
