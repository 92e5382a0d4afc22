//! A member of a committee's roster as the API shows it.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::roster::RosterMember;
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "committee_id": 2, "name": "Martin Damm", "party": "V", "user_subject": "mdamm@kalundborg.dk", "from": "2022-01-01", "to": "2025-12-31", "version": 1, "created_at": "2021-12-20T10:00:00+01:00", "updated_at": "2021-12-20T10:00:00+01:00"})))]
pub struct RosterMemberView {
    pub id: i64,
    pub committee_id: i64,
    pub name: String,
    /// The party's list letter.
    pub party: Option<String>,
    /// The user the member is, when they have one.
    pub user_subject: Option<String>,
    /// The first day of the member's seat.
    pub from: NaiveDate,
    /// The last day of the member's seat; open-ended when absent.
    pub to: Option<NaiveDate>,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<RosterMember> for RosterMemberView {
    fn from(m: RosterMember) -> Self {
        RosterMemberView {
            id: m.id,
            committee_id: m.committee_id,
            name: m.name,
            party: m.party,
            user_subject: m.user_subject,
            from: m.from_date,
            to: m.to_date,
            version: m.version,
            created_at: time::to_api(m.created_at),
            updated_at: time::to_api(m.updated_at),
        }
    }
}
