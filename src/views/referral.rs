//! A demand under § 23 (standsningsret) as the API shows it.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::referrals::Referral;
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "item_id": 12, "participant_id": 4, "note": null, "version": 1, "created_at": "2022-04-25T14:20:00+02:00", "updated_at": "2022-04-25T14:20:00+02:00"})))]
pub struct ReferralView {
    pub id: i64,
    pub item_id: i64,
    /// The member who demanded that the item go before the council.
    pub participant_id: i64,
    /// What the member asked to be added, if anything.
    pub note: Option<String>,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<Referral> for ReferralView {
    fn from(r: Referral) -> Self {
        ReferralView {
            id: r.id,
            item_id: r.item_id,
            participant_id: r.participant_id,
            note: r.note,
            version: r.version,
            created_at: time::to_api(r.created_at),
            updated_at: time::to_api(r.updated_at),
        }
    }
}
