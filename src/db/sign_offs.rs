//! Approvers' sign-offs of a meeting's minutes. A sign-off names the meeting version it approves;
//! signing does not change the meeting (and so not its ETag), but any later change to the meeting
//! leaves the signature on an older version.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::error::StoreResult;
use super::meetings::Meeting;
use super::removed_one;
use super::schema::sign_offs;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = sign_offs)]
pub struct SignOff {
    pub id: i64,
    pub meeting_id: i64,
    pub participant_id: i64,
    pub subject: String,
    pub meeting_version: i64,
    pub signed_at: NaiveDateTime,
    pub version: i64,
    /// The meeting's open version when it was signed (see `meetings::Meeting::open_version`).
    pub open_meeting_version: i64,
}

pub fn list_for_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Vec<SignOff>> {
    sign_offs::table
        .filter(sign_offs::meeting_id.eq(meeting_id))
        .order(sign_offs::id)
        .select(SignOff::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, meeting_id: i64, id: i64) -> QueryResult<Option<SignOff>> {
    sign_offs::table
        .filter(sign_offs::id.eq(id))
        .filter(sign_offs::meeting_id.eq(meeting_id))
        .select(SignOff::as_select())
        .first(conn)
        .optional()
}

/// Records the participant's signature on the meeting as it is, replacing one on an earlier version.
pub fn sign(
    conn: &mut DbConnection,
    meeting: &Meeting,
    participant_id: i64,
    subject: &str,
    now: NaiveDateTime,
) -> StoreResult<SignOff> {
    let (meeting_id, meeting_version) = (meeting.id, meeting.version);
    let existing = sign_offs::table
        .filter(sign_offs::participant_id.eq(participant_id))
        .select(SignOff::as_select())
        .first(conn)
        .optional()?;
    Ok(match existing {
        Some(current) => diesel::update(sign_offs::table.find(current.id))
            .set((
                sign_offs::subject.eq(subject),
                sign_offs::meeting_version.eq(meeting_version),
                sign_offs::open_meeting_version.eq(meeting.open_version),
                sign_offs::signed_at.eq(now),
                sign_offs::version.eq(current.version + 1),
            ))
            .returning(sign_offs::all_columns)
            .get_result(conn)?,
        None => diesel::insert_into(sign_offs::table)
            .values((
                sign_offs::meeting_id.eq(meeting_id),
                sign_offs::participant_id.eq(participant_id),
                sign_offs::subject.eq(subject),
                sign_offs::meeting_version.eq(meeting_version),
                sign_offs::open_meeting_version.eq(meeting.open_version),
                sign_offs::signed_at.eq(now),
                sign_offs::version.eq(1),
            ))
            .returning(sign_offs::all_columns)
            .get_result(conn)?,
    })
}

pub fn withdraw(conn: &mut DbConnection, current: &SignOff) -> StoreResult<()> {
    removed_one(diesel::delete(at_version!(sign_offs, current)).execute(conn)?)
}
