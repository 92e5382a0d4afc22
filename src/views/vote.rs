//! A vote and a dissent as the API shows them.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::StoreError;
use crate::db::votes::{Dissent, Vote};
use crate::domain::protocol::{Position, VoteMethod, VoteResult, VoteSubject, tally};
use crate::time;

/// A vote on an item, as the protocol records it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "item_id": 12, "number": 1, "subject": "proposal", "motion": "Enhedslistens forslag om at udskyde salget af grunden", "method": "by_group", "positions": [{"stance": "for", "party": "Ø", "count": 2}, {"stance": "against", "party": "A", "count": 5}, {"stance": "against", "party": "V", "count": 3}, {"stance": "against", "party": "O", "count": 1}, {"stance": "abstain", "party": "F", "count": 1}], "result": "rejected", "votes_for": 2, "votes_against": 9, "abstentions": 1, "version": 1, "created_at": "2022-04-25T13:40:00+02:00", "updated_at": "2022-04-25T13:40:00+02:00"})))]
pub struct VoteView {
    pub id: i64,
    pub item_id: i64,
    /// Its place among the item's votes, in the order they were taken.
    pub number: i32,
    pub subject: VoteSubject,
    /// What was voted on, as the minutes name it.
    pub motion: String,
    pub method: VoteMethod,
    pub positions: Vec<Position>,
    /// Adopted by more votes for than against; a tie rejects.
    pub result: VoteResult,
    pub votes_for: i32,
    pub votes_against: i32,
    pub abstentions: i32,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl TryFrom<Vote> for VoteView {
    type Error = StoreError;

    fn try_from(v: Vote) -> Result<Self, StoreError> {
        let positions = v.positions()?;
        let (votes_for, votes_against, abstentions) = tally(&positions);
        Ok(VoteView {
            id: v.id,
            item_id: v.item_id,
            number: v.position,
            subject: v.subject,
            motion: v.motion,
            method: v.method,
            positions,
            result: v.result,
            votes_for,
            votes_against,
            abstentions,
            version: v.version,
            created_at: time::to_api(v.created_at),
            updated_at: time::to_api(v.updated_at),
        })
    }
}

/// A member's dissent against a vote (mindretalsudtalelse, § 13, stk. 2).
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "item_id": 12, "vote_id": 2, "participant_id": 7, "text": "Enhedslisten kan ikke støtte salget, da grunden bør bruges til almene boliger.", "version": 1, "created_at": "2022-04-25T13:45:00+02:00", "updated_at": "2022-04-25T13:45:00+02:00"})))]
pub struct DissentView {
    pub id: i64,
    pub item_id: i64,
    pub vote_id: i64,
    pub participant_id: i64,
    pub text: String,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<Dissent> for DissentView {
    fn from(d: Dissent) -> Self {
        DissentView {
            id: d.id,
            item_id: d.item_id,
            vote_id: d.vote_id,
            participant_id: d.participant_id,
            text: d.text,
            version: d.version,
            created_at: time::to_api(d.created_at),
            updated_at: time::to_api(d.updated_at),
        }
    }
}
